package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer normalisation of float32 rows in one pass per row, forward and backward: what
 * {@code LayerNormOp} composes from about ten native calls for other types. Row statistics and
 * the gain and bias gradients are accumulated in double.
 */
public final class LayerNormKernel {

    /** Rows per range when the rows are split across cores. */
    private static final int MIN_ROWS = 64;

    /** The input {@code [N, C]}: the backward pass recomputes x̂ from it rather than keeping x̂. */
    private final INDArray input;
    /** The mean of each row {@code [N]}, as the forward pass subtracted it. */
    private final float[] means;
    /** 1/√(σ² + ε) per row {@code [N]}. */
    private final float[] reciprocalStd;
    private final float[] gain;
    private final int rows;
    private final int channels;

    private LayerNormKernel(INDArray input, float[] means, float[] reciprocalStd, float[] gain) {
        this.input = input;
        this.means = means;
        this.reciprocalStd = reciprocalStd;
        this.gain = gain;
        this.rows = (int) input.size(0);
        this.channels = (int) input.size(1);
    }

    /**
     * Normalises {@code x [N, C]} into {@code y [N, C]} (a new array) and returns the state the
     * backward pass needs: {@code x} itself, which must not change until then, and two numbers
     * per row.
     */
    public static LayerNormKernel forward(INDArray x, INDArray gainArray, INDArray biasArray, double epsilon, INDArray y) {
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        float[] gain = new float[c];
        float[] bias = new float[c];
        FloatMemory.of(gainArray).get(0, gain);
        FloatMemory.of(biasArray).get(0, bias);
        FloatBuffer xs = FloatMemory.of(x);
        FloatBuffer ys = FloatMemory.of(y);
        float[] means = new float[n];
        float[] reciprocalStd = new float[n];
        CoreParallel.forRanges(n, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[c];
            float[] out = new float[c];
            for (int r = from; r < to; r++) {
                int base = r * c;
                xs.get(base, row);
                normalize(row, gain, bias, epsilon, out, r, means, reciprocalStd);
                ys.put(base, out);
            }
        });
        return new LayerNormKernel(x, means, reciprocalStd, gain);
    }

    /**
     * One row: {@code out = (row − mean)/√(σ² + ε)·gain + bias}, leaving x̂ in {@code row}; the
     * row's mean and 1/√(σ² + ε) go to {@code means[index]} and {@code reciprocalStd[index]}.
     * Statistics are accumulated in double; the row's length is C.
     */
    public static void normalize(float[] row, float[] gain, float[] bias, double epsilon, float[] out,
                          int index, float[] means, float[] reciprocalStd) {
        int c = row.length;
        double sum = 0;
        for (int j = 0; j < c; j++) {
            sum += row[j];
        }
        double mean = sum / c;
        double squares = 0;
        for (int j = 0; j < c; j++) {
            double d = row[j] - mean;
            squares += d * d;
        }
        float rstd = (float) (1.0 / Math.sqrt(squares / c + epsilon));
        float m = (float) mean;
        means[index] = m;
        reciprocalStd[index] = rstd;
        for (int j = 0; j < c; j++) {
            row[j] = (row[j] - m) * rstd;                                        // x̂
            out[j] = row[j] * gain[j] + bias[j];
        }
    }

    /**
     * Gradients given {@code dy [N, C]}: {@code dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂))} with
     * {@code dx̂ = dy·γ}, {@code dγ = Σ dy·x̂}, {@code dβ = Σ dy}; any may be skipped (null output).
     *
     * @return {dx [N, C], dγ [C], dβ [C]}, each null where not wanted
     */
    public INDArray[] backward(INDArray dy, boolean wantX, boolean wantGain, boolean wantBias) {
        int c = channels;
        FloatBuffer dys = FloatMemory.of(dy);
        FloatBuffer xs = FloatMemory.of(input);
        INDArray dx = wantX ? Nd4j.createUninitialized(DataType.FLOAT, rows, c) : null;
        FloatBuffer dxs = wantX ? FloatMemory.of(dx) : null;
        int parts = CoreParallel.maxRanges();
        double[][] gainSums = new double[parts][];                             // per range, added in order
        double[][] biasSums = new double[parts][];
        CoreParallel.forRanges(rows, MIN_ROWS, (part, from, to) -> {
            // sums of the range's own, stored when it ends: arrays made side by side beforehand share
            // cache lines at their ends, which two threads writing every row would pass back and forth
            double[] gainSum = new double[c];
            double[] biasSum = new double[c];
            float[] g = new float[c];
            float[] h = new float[c];
            float[] dh = new float[c];
            for (int r = from; r < to; r++) {
                int base = r * c;
                dys.get(base, g);
                xs.get(base, h);
                float m = means[r];
                float rstd = reciprocalStd[r];
                for (int j = 0; j < c; j++) {
                    h[j] = (h[j] - m) * rstd;                                    // x̂, as the forward pass computed it
                }
                for (int j = 0; j < c; j++) {
                    gainSum[j] += g[j] * h[j];
                    biasSum[j] += g[j];
                }
                if (!wantX) {
                    continue;
                }
                double sumDh = 0;
                double sumDhH = 0;
                for (int j = 0; j < c; j++) {
                    dh[j] = g[j] * gain[j];
                    sumDh += dh[j];
                    sumDhH += dh[j] * h[j];
                }
                float meanDh = (float) (sumDh / c);
                float meanDhH = (float) (sumDhH / c);
                for (int j = 0; j < c; j++) {
                    dh[j] = rstd * (dh[j] - meanDh - h[j] * meanDhH);
                }
                dxs.put(base, dh);
            }
            gainSums[part] = gainSum;
            biasSums[part] = biasSum;
        });
        return new INDArray[] {dx, wantGain ? vector(gainSums, c) : null, wantBias ? vector(biasSums, c) : null};
    }

    /**
     * The column sums of the ranges that ran (an entry stays null where fewer ranges ran), added in
     * range order, as a float32 vector of {@code c}.
     */
    private static INDArray vector(double[][] partSums, int c) {
        float[] values = new float[c];
        for (int j = 0; j < c; j++) {
            double total = 0;
            for (double[] sums : partSums) {
                if (sums != null) {
                    total += sums[j];
                }
            }
            values[j] = (float) total;
        }
        INDArray v = Nd4j.createUninitialized(DataType.FLOAT, c);
        FloatMemory.of(v).put(0, values);
        return v;
    }
}
