package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One Adam/AdamW update of dense float32 parameters in a single pass over parameters, gradients
 * and both moments, in blocks copied to the heap: what {@link Adam} otherwise does in about ten
 * native calls over the whole model. Same arithmetic, in float32, in the same order; blocks are split
 * across cores. Parameters longer than one buffer ({@link FloatMemory#MAX_BUFFER_LENGTH}, e.g. GPT-2
 * large's 774 M in one flat array) are updated piece by piece.
 */
public final class AdamKernel {

    private static final int BLOCK = 4096;
    /** Blocks per range when the parameters are split across cores. */
    private static final int MIN_BLOCKS = 8;
    /** Elements per piece: whole blocks, as many as one buffer holds. */
    static final int PIECE = FloatMemory.MAX_BUFFER_LENGTH / BLOCK * BLOCK;

    private AdamKernel() {
    }

    /** Whether every array is dense float32, so that {@link #update} applies. */
    public static boolean applies(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (!FloatMemory.isDenseFloatOfAnyLength(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * @param decay      weight decay λ (0 for none)
     * @param decoupled  AdamW's {@code p ← p·(1 − lr·λ)} rather than Adam's {@code g ← g + λ·p}
     * @param bias1      {@code 1 − β₁ᵗ}
     * @param bias2Sqrt  {@code √(1 − β₂ᵗ)}
     */
    public static void update(INDArray w, INDArray g, INDArray m, INDArray v, double lr, double decay, boolean decoupled,
                       double beta1, double beta2, double eps, double bias1, double bias2Sqrt) {
        update(w, g, m, v, lr, decay, decoupled, beta1, beta2, eps, bias1, bias2Sqrt, PIECE);
    }

    /** {@link #update} in pieces of {@code piece} elements (a multiple of the block), for tests of the pieces. */
    static void update(INDArray w, INDArray g, INDArray m, INDArray v, double lr, double decay, boolean decoupled,
                       double beta1, double beta2, double eps, double bias1, double bias2Sqrt, int piece) {
        float keep = decay != 0 && decoupled ? (float) (1 - lr * decay) : 1f;
        float coupled = decay != 0 && !decoupled ? (float) decay : 0f;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float oneMinusB1 = (float) (1 - beta1);
        float oneMinusB2 = (float) (1 - beta2);
        float b2Sqrt = (float) bias2Sqrt;
        float epsilon = (float) eps;
        float stepSize = (float) (lr / bias1);
        long total = w.length();
        for (long first = 0; first < total; first += piece) {
            int n = (int) Math.min(piece, total - first);
            FloatBuffer ws = FloatMemory.of(w, first, n);
            FloatBuffer gs = FloatMemory.of(g, first, n);
            FloatBuffer ms = FloatMemory.of(m, first, n);
            FloatBuffer vs = FloatMemory.of(v, first, n);
            CoreParallel.forRanges((n + BLOCK - 1) / BLOCK, MIN_BLOCKS, (part, fromBlock, toBlock) -> {
                float[] wb = new float[BLOCK];
                float[] gb = new float[BLOCK];
                float[] mb = new float[BLOCK];
                float[] vb = new float[BLOCK];
                for (int start = fromBlock * BLOCK; start < Math.min(n, toBlock * BLOCK); start += BLOCK) {
                    int len = Math.min(BLOCK, n - start);
                    ws.get(start, wb, 0, len);
                    gs.get(start, gb, 0, len);
                    ms.get(start, mb, 0, len);
                    vs.get(start, vb, 0, len);
                    for (int i = 0; i < len; i++) {
                        float p = wb[i] * keep;                                  // p ← p·(1 − lr·λ)
                        float grad = p * coupled + gb[i];                        // g ← g + λ·p
                        mb[i] = mb[i] * b1 + grad * oneMinusB1;                  // m ← β₁m + (1−β₁)g
                        vb[i] = vb[i] * b2 + grad * grad * oneMinusB2;           // v ← β₂v + (1−β₂)g²
                        float denom = (float) Math.sqrt(vb[i]) / b2Sqrt + epsilon;
                        wb[i] = p - mb[i] / denom * stepSize;                    // p ← p − lr/(1−β₁ᵗ)·m/denom
                    }
                    ws.put(start, wb, 0, len);
                    ms.put(start, mb, 0, len);
                    vs.put(start, vb, 0, len);
                }
            });
        }
    }
}
