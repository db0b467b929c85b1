package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The scaled, causally masked softmax of attention scores on float32, in place and one pass per row
 * each way: what {@code CausalAttentionOp} otherwise composes from a scale, a broadcast mask add, a
 * softmax and, backward, five more native calls. Rows are split across cores.
 *
 * <p>The forward pass returns two numbers per row ({@link SoftmaxRows}) from which
 * {@link #restore} rebuilds the weights from the same scores bit for bit, so that attention need
 * not keep its {@code [B, H, T, T]} weights for the backward pass: it recomputes the scores instead.
 */
public final class CausalSoftmaxKernel {

    /** Rows per range when the rows are split across cores. */
    private static final int MIN_ROWS = 256;

    /**
     * What a row's weights are made of besides its scores: {@code aⱼ = exp(scale·sⱼ − max)·inverse}.
     *
     * @param max     per row, the largest scaled score among the columns it attends to
     * @param inverse per row, 1 / Σⱼ exp(scale·sⱼ − max)
     */
    public record SoftmaxRows(float[] max, float[] inverse) {
    }

    private CausalSoftmaxKernel() {
    }

    /**
     * Replaces {@code scores [..., T, T]} (dense float32) by {@code softmax(scale·scores + M)} along
     * the last axis, M being −∞ above the diagonal: row t keeps columns 0…t, the rest become 0.
     *
     * @return each row's maximum and inverse sum, for {@link #restore}
     */
    public static SoftmaxRows forward(INDArray scores, double scale) {
        int t = (int) scores.size(scores.rank() - 1);
        int rows = (int) (scores.length() / t);
        FloatBuffer values = FloatMemory.of(scores);
        float factor = (float) scale;
        SoftmaxRows stats = new SoftmaxRows(new float[rows], new float[rows]);
        CoreParallel.forRanges(rows, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[t];
            float[] powers = new float[t];
            for (int r = from; r < to; r++) {
                int base = r * t;
                int last = r % t;                                               // the query's position
                values.get(base, row, 0, last + 1);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= last; j++) {
                    row[j] *= factor;
                    max = Math.max(max, row[j]);
                }
                FloatExp.ofDifferenceInPlace(row, 0, last + 1, max, powers);     // as restore() computes it
                double sum = 0;
                for (int j = 0; j <= last; j++) {
                    sum += row[j];
                }
                float inverse = (float) (1.0 / sum);
                for (int j = 0; j <= last; j++) {
                    row[j] *= inverse;
                }
                java.util.Arrays.fill(row, last + 1, t, 0f);
                stats.max[r] = max;
                stats.inverse[r] = inverse;
                values.put(base, row, 0, t);
            }
        });
        return stats;
    }

    /**
     * Turns {@code scores} — the very scores {@link #forward} was given, recomputed — into the
     * weights {@code forward} made of them, bit for bit.
     */
    public static void restore(INDArray scores, double scale, SoftmaxRows stats) {
        int t = (int) scores.size(scores.rank() - 1);
        int rows = (int) (scores.length() / t);
        if (stats.max.length != rows) {
            throw new IllegalArgumentException("softmax statistics for " + stats.max.length + " rows, scores have " + rows);
        }
        FloatBuffer values = FloatMemory.of(scores);
        float factor = (float) scale;
        CoreParallel.forRanges(rows, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[t];
            float[] powers = new float[t];
            for (int r = from; r < to; r++) {
                int base = r * t;
                int last = r % t;
                values.get(base, row, 0, last + 1);
                float inverse = stats.inverse[r];
                for (int j = 0; j <= last; j++) {
                    row[j] *= factor;
                }
                FloatExp.ofDifferenceInPlace(row, 0, last + 1, stats.max[r], powers);
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
