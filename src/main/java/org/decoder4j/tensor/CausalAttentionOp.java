package org.decoder4j.tensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.decoder4j.tensor.cpu.CausalSoftmaxKernel;
import org.decoder4j.tensor.cpu.CausalSoftmaxKernel.SoftmaxRows;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The core of causal scaled dot-product attention for all heads at once:
 * {@code softmax(Q·Kᵀ/√d + M)·V}, where M is 0 on and below the diagonal and −∞ above it, so that
 * position t attends to positions 0…t only.
 *
 * <p>ND4J's fused attention ops accept key-padding masks only, so the core is two batched
 * products, an additive mask and a softmax; the backward pass is written out below.
 */
public final class CausalAttentionOp {

    private static final Map<String, INDArray> MASKS = new ConcurrentHashMap<>();

    private CausalAttentionOp() {
    }

    /**
     * @param q       queries {@code [B, H, T, D]}
     * @param k       keys {@code [B, H, T, D]}
     * @param v       values {@code [B, H, T, D]}
     * @param dropout attention-weight dropout probability (0 in evaluation)
     * @param rng     generator for the dropout mask; unused when {@code dropout == 0}
     * @return the attended values {@code [B, H, T, D]}
     */
    public static Tensor apply(Tensor q, Tensor k, Tensor v, double dropout, Random rng) {
        long[] s = q.shape();
        if (s.length != 4 || !java.util.Arrays.equals(s, k.shape()) || !java.util.Arrays.equals(s, v.shape())) {
            throw new IllegalArgumentException("attention needs q, k, v of one shape [B, H, T, D], got "
                    + java.util.Arrays.toString(q.shape()) + ", " + java.util.Arrays.toString(k.shape())
                    + ", " + java.util.Arrays.toString(v.shape()));
        }
        long t = s[2];
        double scale = 1.0 / Math.sqrt(s[3]);
        INDArray qv = q.value();
        INDArray kv = k.value();
        INDArray vv = v.value();

        if (dropout == 0 && qv.dataType() == DataType.FLOAT && FloatMemory.fitsOneBuffer(s[0] * s[1] * t * t)) {
            return fused(q, k, v, scale);
        }
        INDArray scores = MatMul.product(qv, false, kv, true);                  // (B, H, T, T)
        scores.muli(scale).addi(causalMask(t, qv.dataType()));                 // mask broadcast over B, H
        INDArray att = Nd4j.createUninitialized(scores.dataType(), scores.shape());
        Nd4j.exec(new SoftMax(scores, att, 3));                                 // (B, H, T, T)
        INDArray dropMask = dropout > 0 ? DropoutOp.mask(att.shape(), att, dropout, rng) : null;
        INDArray attUsed = dropMask == null ? att : att.mul(dropMask);
        INDArray y = MatMul.product(attUsed, false, vv, false);                 // (B, H, T, D)

        return Tensor.fromOp("causalAttention", y, dy -> {
            INDArray dv = v.requiresGrad() ? MatMul.product(attUsed, true, dy, false) : null;  // (B, H, T, D)
            INDArray datt = MatMul.product(dy, false, vv, true);                // (B, H, T, T)
            if (dropMask != null) {
                datt.muli(dropMask);
            }
            // softmax backward: ds = a ⊙ (da − Σ_j da_j·a_j)
            INDArray rowDot = datt.mul(att).sum(true, 3);                       // (B, H, T, 1)
            INDArray ds = datt.subi(rowDot).muli(att).muli(scale);              // (B, H, T, T)
            INDArray dq = q.requiresGrad() ? MatMul.product(ds, false, kv, false) : null;  // (B, H, T, D)
            INDArray dk = k.requiresGrad() ? MatMul.product(ds, true, qv, false) : null;  // (B, H, T, D)
            return new INDArray[] {dq, dk, dv};
        }, q, k, v);
    }

    /**
     * Float32 without dropout: the masked softmax and its gradient in one pass each
     * ({@link CausalSoftmaxKernel}), and no {@code [B, H, T, T]} array kept between the passes. The
     * forward pass makes the scores and weights in a scratch block released before it returns and
     * keeps two numbers per row; the backward pass recomputes the scores with the same product (in
     * the same precision, under the autocast scope of the forward pass if there was one) and
     * restores the very weights the forward pass used, bit for bit. The price is one more
     * {@code Q·Kᵀ} product per layer and step; the saving is B·H·T² floats per layer.
     */
    private static Tensor fused(Tensor q, Tensor k, Tensor v, double scale) {
        INDArray qv = q.value();
        INDArray kv = k.value();
        INDArray vv = v.value();
        Autocast autocast = Autocast.current();
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, q.shape());        // (B, H, T, D)
        SoftmaxRows rows = MemoryScope.scratch(() -> {
            INDArray att = MatMul.product(autocast, qv, false, kv, true);      // (B, H, T, T) scores
            SoftmaxRows stats = CausalSoftmaxKernel.forward(att, scale);         // now weights
            y.assign(MatMul.product(autocast, att, false, vv, false));         // (B, H, T, D)
            return stats;
        });
        return Tensor.fromOp("causalAttention", y, dy -> {
            INDArray att = MatMul.product(autocast, qv, false, kv, true);      // (B, H, T, T) scores again
            CausalSoftmaxKernel.restore(att, scale, rows);                       // the forward's weights
            INDArray dv = v.requiresGrad() ? MatMul.product(att, true, dy, false) : null;  // (B, H, T, D)
            INDArray ds = MatMul.product(dy, false, vv, true);                  // (B, H, T, T), dL/d att
            if (!FloatMemory.isDenseFloat(ds)) {
                ds = ds.dup('c');
            }
            CausalSoftmaxKernel.backward(att, ds, scale);                       // now dL/d scores
            INDArray dq = q.requiresGrad() ? MatMul.product(ds, false, kv, false) : null;  // (B, H, T, D)
            INDArray dk = k.requiresGrad() ? MatMul.product(ds, true, qv, false) : null;  // (B, H, T, D)
            return new INDArray[] {dq, dk, dv};
        }, q, k, v);
    }

    /** {@code [T, T]}: 0 where key ≤ query, −∞ above the diagonal. Cached per size and type. */
    static INDArray causalMask(long t, DataType type) {
        return MASKS.computeIfAbsent(t + ":" + type, key -> MemoryScope.persistent(() -> {
            double[] values = new double[(int) (t * t)];
            for (int row = 0; row < t; row++) {
                for (int col = row + 1; col < t; col++) {
                    values[(int) (row * t + col)] = Double.NEGATIVE_INFINITY;
                }
            }
            return Nd4j.createFromArray(values).reshape(t, t).castTo(type);
        }));
    }
}
