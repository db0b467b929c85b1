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
            return fused(q, k, v, scale, 0, OutputReaders.ANY_OP);
        }
        INDArray scores = MatMul.product(qv, false, kv, true);                  // (B, H, T, T)
        scores.muli(scale).addi(causalMask(t, scores.dataType()));             // mask broadcast over B, H
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
     * Attention over projections whose channels hold the heads side by side, as the query, key and
     * value layers make them: {@code [B, T, C]} in, {@code [B, T, C]} out, head h being channels
     * {@code h·D…h·D+D−1} with {@code D = C / heads}. The same as splitting each input into
     * {@code [B, H, T, D]}, {@link #apply} and merging the heads back, but on the float32 path the
     * heads are read and written in place: no copy of q, k, v or the output is kept per layer.
     *
     * <pre>{@code
     * Tensor y = CausalAttentionOp.applyPacked(query.forward(x), key.forward(x), value.forward(x), 12, 0.0, rng);
     * }</pre>
     *
     * @param q       queries {@code [B, T, C]}
     * @param k       keys {@code [B, T, C]}
     * @param v       values {@code [B, T, C]}
     * @param heads   the number of heads H; C must be a multiple of it
     * @param dropout attention-weight dropout probability (0 in evaluation)
     * @param rng     generator for the dropout mask; unused when {@code dropout == 0}
     * @return the heads' attended values side by side, {@code [B, T, C]}
     */
    public static Tensor applyPacked(Tensor q, Tensor k, Tensor v, int heads, double dropout, Random rng) {
        return applyPacked(q, k, v, heads, dropout, rng, OutputReaders.ANY_OP);
    }

    /**
     * The same, for an output that only {@code readers} read ({@link OutputReaders}): under native
     * bfloat16 autocast, without dropout, the products write it in bfloat16. The inputs may be
     * bfloat16 kept for products.
     *
     * @param q       queries {@code [B, T, C]}
     * @param k       keys {@code [B, T, C]}
     * @param v       values {@code [B, T, C]}
     * @param heads   the number of heads H; C must be a multiple of it
     * @param dropout attention-weight dropout probability (0 in evaluation)
     * @param rng     generator for the dropout mask; unused when {@code dropout == 0}
     * @param readers which operations read the output
     * @return the heads' attended values side by side, {@code [B, T, C]}
     */
    public static Tensor applyPacked(Tensor q, Tensor k, Tensor v, int heads, double dropout, Random rng,
                                     OutputReaders readers) {
        long[] s = q.shape();
        if (s.length != 3 || !java.util.Arrays.equals(s, k.shape()) || !java.util.Arrays.equals(s, v.shape())) {
            throw new IllegalArgumentException("attention needs q, k, v of one shape [B, T, C], got "
                    + java.util.Arrays.toString(q.shape()) + ", " + java.util.Arrays.toString(k.shape())
                    + ", " + java.util.Arrays.toString(v.shape()));
        }
        if (heads <= 0 || s[2] % heads != 0) {
            throw new IllegalArgumentException(s[2] + " channels do not split into " + heads + " heads");
        }
        long b = s[0];
        long t = s[1];
        long d = s[2] / heads;
        if (dropout == 0 && isFusedType(q) && isFusedType(k) && isFusedType(v)
                && FloatMemory.fitsOneBuffer(b * heads * t * t)) {
            return fused(q, k, v, 1.0 / Math.sqrt(d), heads, readers);
        }
        Tensor y = apply(splitHeads(q, heads), splitHeads(k, heads), splitHeads(v, heads), dropout, rng);
        return y.permute(0, 2, 1, 3).reshape(s);                                // (B, H, T, D) -> (B, T, C)
    }

    /** Float32, or bfloat16 kept for the products of a scope on native kernels. */
    private static boolean isFusedType(Tensor x) {
        return x.dataType() == DataType.FLOAT
                || x.dataType() == DataType.BFLOAT16 && Autocast.keepsLow(OutputReaders.PRODUCTS_ONLY);
    }

    /** {@code [B, T, C]} to a copy {@code [B, H, T, D]}. */
    private static Tensor splitHeads(Tensor x, int heads) {
        long[] s = x.shape();
        return x.reshape(s[0], s[1], heads, s[2] / heads).permute(0, 2, 1, 3);
    }

    /** {@code [B, T, C]} viewed as {@code [B, H, T, D]}, no copy; {@code heads == 0}: x is that already. */
    private static INDArray headsView(INDArray x, int heads) {
        if (heads == 0) {
            return x;
        }
        INDArray dense = x.ordering() == 'c' && FloatMemory.isDense(x) ? x : x.dup('c');
        long[] s = dense.shape();
        return dense.reshape('c', s[0], s[1], heads, s[2] / heads).permute(0, 2, 1, 3);
    }

    /**
     * op(a)·op(b), a {@code [B, H, T, D]} product, written into a new array of the inputs' layout
     * {@code shape} ({@code [B, T, C]} when {@code heads > 0}) without a copy.
     */
    private static INDArray productInLayout(Autocast autocast, INDArray a, boolean transA, INDArray b, boolean transB,
                                            int heads, long[] shape) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape);
        MatMul.productInto(autocast, a, transA, b, transB, headsView(out, heads), out);
        return out;
    }

    /**
     * Float32 without dropout: the masked softmax and its gradient in one pass each
     * ({@link CausalSoftmaxKernel}), and no {@code [B, H, T, T]} array kept between the passes. The
     * forward pass makes the scores and weights in a scratch block released before it returns and
     * keeps two numbers per row; the backward pass recomputes the scores with the same product (in
     * the same precision, under the autocast scope of the forward pass if there was one) and
     * restores the very weights the forward pass used, bit for bit. The price is one more
     * {@code Q·Kᵀ} product per layer and step; the saving is B·H·T² floats per layer.
     *
     * @param heads H when q, k, v are {@code [B, T, C]} with the heads side by side; 0 when they
     *              are {@code [B, H, T, D]}
     */
    private static Tensor fused(Tensor q, Tensor k, Tensor v, double scale, int heads, OutputReaders readers) {
        INDArray qh = headsView(q.value(), heads);                              // (B, H, T, D), maybe a view
        INDArray kh = headsView(k.value(), heads);
        INDArray vh = headsView(v.value(), heads);
        Autocast autocast = Autocast.current();
        long[] shape = q.shape();
        INDArray y = Nd4j.createUninitialized(Autocast.keepsLow(readers) ? DataType.BFLOAT16 : DataType.FLOAT,
                shape);                                                         // q's layout
        SoftmaxRows rows = MemoryScope.scratch(() -> {
            INDArray att = MatMul.product(autocast, qh, false, kh, true);      // (B, H, T, T) scores
            SoftmaxRows stats = CausalSoftmaxKernel.forward(att, scale);         // now weights
            MatMul.productInto(autocast, att, false, vh, false, headsView(y, heads), y);  // (B, H, T, D)
            return stats;
        });
        return Tensor.fromOp("causalAttention", y, dy -> {
            Autocast now = Autocast.current();
            INDArray dyh = headsView(dy, heads);                                // (B, H, T, D)
            INDArray att = MatMul.product(autocast, qh, false, kh, true);      // (B, H, T, T) scores again
            CausalSoftmaxKernel.restore(att, scale, rows);                       // the forward's weights
            INDArray dv = v.requiresGrad() ? productInLayout(now, att, true, dyh, false, heads, shape) : null;
            INDArray ds = MatMul.product(dyh, false, vh, true);                 // (B, H, T, T), dL/d att
            if (!FloatMemory.isDenseFloat(ds)) {
                ds = ds.dup('c');
            }
            CausalSoftmaxKernel.backward(att, ds, scale);                       // now dL/d scores
            INDArray dq = q.requiresGrad() ? productInLayout(now, ds, false, kh, false, heads, shape) : null;
            INDArray dk = k.requiresGrad() ? productInLayout(now, ds, true, qh, false, heads, shape) : null;
            return new INDArray[] {dq, dk, dv};                                 // each in q's layout
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
