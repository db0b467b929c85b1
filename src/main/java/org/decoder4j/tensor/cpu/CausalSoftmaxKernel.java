package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The scaled, causally masked softmax of attention scores on float32, in place and one pass per row
 * each way: what {@code CausalAttentionOp} otherwise composes from a scale, a broadcast mask add, a
 * softmax and, backward, five more native calls. Rows are split across cores.
 */
public final class CausalSoftmaxKernel {

    /** Rows per range when the rows are split across cores. */
    private static final int MIN_ROWS = 256;

    private CausalSoftmaxKernel() {
    }

    /**
     * Replaces {@code scores [..., T, T]} (dense float32) by {@code softmax(scale·scores + M)} along
     * the last axis, M being −∞ above the diagonal: row t keeps columns 0…t, the rest become 0.
     */
    public static void forward(INDArray scores, double scale) {
        int t = (int) scores.size(scores.rank() - 1);
        int rows = (int) (scores.length() / t);
        FloatBuffer values = FloatMemory.of(scores);
        float factor = (float) scale;
        CoreParallel.forRanges(rows, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[t];
            for (int r = from; r < to; r++) {
                int base = r * t;
                int last = r % t;                                               // the query's position
                values.get(base, row, 0, last + 1);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= last; j++) {
                    row[j] *= factor;
                    max = Math.max(max, row[j]);
                }
                double sum = 0;
                for (int j = 0; j <= last; j++) {
                    float e = (float) Math.exp(row[j] - max);
                    row[j] = e;
                    sum += e;
                }
                float inverse = (float) (1.0 / sum);
                for (int j = 0; j <= last; j++) {
                    row[j] *= inverse;
                }
                java.util.Arrays.fill(row, last + 1, t, 0f);
                values.put(base, row, 0, t);
            }
        });
    }

    /**
     * Replaces {@code gradient} (dL/d attention weights, dense float32 like {@code weights}) by
     * dL/d scores: {@code scale·a ⊙ (g − Σⱼ gⱼ·aⱼ)} per row.
     */
    public static void backward(INDArray weights, INDArray gradient, double scale) {
        int t = (int) weights.size(weights.rank() - 1);
        int rows = (int) (weights.length() / t);
        FloatBuffer as = FloatMemory.of(weights);
        FloatBuffer gs = FloatMemory.of(gradient);
        float factor = (float) scale;
        CoreParallel.forRanges(rows, MIN_ROWS, (part, from, to) -> {
            float[] a = new float[t];
            float[] g = new float[t];
            for (int r = from; r < to; r++) {
                int base = r * t;
                int last = r % t;
                as.get(base, a, 0, last + 1);
                gs.get(base, g, 0, last + 1);
                double dot = 0;
                for (int j = 0; j <= last; j++) {
                    dot += g[j] * a[j];
                }
                float rowDot = (float) dot;
                for (int j = 0; j <= last; j++) {
                    g[j] = factor * a[j] * (g[j] - rowDot);
                }
                java.util.Arrays.fill(g, last + 1, t, 0f);
                gs.put(base, g, 0, t);
            }
        });
    }
}
