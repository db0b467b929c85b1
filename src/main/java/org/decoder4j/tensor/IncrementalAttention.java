package org.decoder4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Causal attention of new queries over cached keys and values, for inference: no gradient, no
 * dropout. The queries sit at positions {@code offset … offset+Tn−1} and see the keys at
 * positions {@code 0 … offset+i}; with {@code offset = 0} and as many keys as queries it computes
 * what {@link CausalAttentionOp} does.
 *
 * <p>The softmax is composed of row max, subtraction, exp, row sum and division rather than ND4J's
 * {@code softmax} op, which costs more than these on short score rows. The prompt's prefill comes
 * here; the steps of one token each go through {@link SinglePositionDecoder}.
 *
 * <pre>{@code
 * // one new token after 10 cached ones: q [1, H, 1, D], keys and values [1, H, 11, D]
 * INDArray y = IncrementalAttention.apply(q, keys, values, 10);   // [1, H, 1, D]
 * }</pre>
 */
public final class IncrementalAttention {

    private IncrementalAttention() {
    }

    /**
     * @param q      queries {@code [B, H, Tn, D]}
     * @param keys   keys {@code [B, H, offset+Tn, D]}, the cached ones first
     * @param values values of the keys' shape
     * @param offset position of the first query (the number of keys cached before it)
     * @return the attended values {@code [B, H, Tn, D]}
     */
    public static INDArray apply(INDArray q, INDArray keys, INDArray values, long offset) {
        long[] s = q.shape();
        long[] ks = keys.shape();
        if (s.length != 4 || ks.length != 4 || !Arrays.equals(ks, values.shape())
                || ks[0] != s[0] || ks[1] != s[1] || ks[3] != s[3] || ks[2] != offset + s[2]) {
            throw new IllegalArgumentException("incremental attention needs q [B, H, Tn, D] and keys, values "
                    + "[B, H, offset+Tn, D] with offset " + offset + ", got " + Arrays.toString(s) + ", "
                    + Arrays.toString(ks) + ", " + Arrays.toString(values.shape()));
        }
        long tn = s[2];
        long tk = ks[2];
        INDArray scores = MatMul.product(q, false, keys, true);                 // (B, H, Tn, Tk)
        scores.muli(1.0 / Math.sqrt(s[3]));
        if (tn > 1) {
            scores.addi(mask(tn, offset, q.dataType()));                        // mask broadcast over B, H
        }
        INDArray rows = scores.reshape('c', s[0] * s[1] * tn, tk);              // (B·H·Tn, Tk), a view
        rows.subiColumnVector(rows.max(true, 1));
        Transforms.exp(rows, false);
        rows.diviColumnVector(rows.sum(true, 1));                               // softmax over keys
        return MatMul.product(scores, false, values, false);                    // (B, H, Tn, D)
    }

    /**
     * {@code [Tn, offset+Tn]}: 0 where key ≤ offset + query, −∞ after. The prefill's square mask
     * is the training path's cached one; a chunk after cached keys (rare) gets a fresh mask.
     */
    private static INDArray mask(long tn, long offset, DataType type) {
        if (offset == 0) {
            return CausalAttentionOp.causalMask(tn, type);
        }
        long tk = offset + tn;
        double[] values = new double[(int) (tn * tk)];
        for (int row = 0; row < tn; row++) {
            for (long col = offset + row + 1; col < tk; col++) {
                values[(int) (row * tk + col)] = Double.NEGATIVE_INFINITY;
            }
        }
        return Nd4j.createFromArray(values).reshape(tn, tk).castTo(type);
    }
}
