package org.decoder4j.tensor.cpu;

/**
 * {@code e^(x − shift)} of a run of floats in place, for the softmax kernels and generation's
 * one-position attention, in two loops the JIT turns into vector instructions:
 * {@code (float) Math.exp(x)} goes through a scalar double routine per element, and was the larger
 * part of the attention softmax's and the cross-entropy's time.
 *
 * <p>{@code x = n·ln 2 + r} with {@code n} the nearest integer to {@code x / ln 2} and
 * {@code |r| ≤ ln 2 / 2}, so {@code e^x = 2ⁿ·e^r}; {@code e^r ≈ 1 + r + r²·P(r)} with P of degree 5,
 * fitted by {@code tools/kernels/fit_exp.py} (relative error 5e-11 in exact arithmetic). Evaluated in
 * float32, each result is within one unit in the last place of the exact exponential (0.97 ulp
 * the largest, measured over [−87, 88]) — the correctly rounded float in nine cases out of ten.
 * Where {@code 2ⁿ} is below float32's smallest normal number ({@code x − shift < −87.7}) the
 * result is 0, where it is beyond the largest ({@code x − shift > 88.4}) +∞; NaN stays NaN. The
 * softmaxes only pass {@code x − shift ≤ 0}. The same input gives the same bits every time, in
 * vector and scalar code alike, so a softmax recomputed from its scores repeats exactly.
 *
 * <pre>{@code
 * float[] row = {0.5f, -1f, 2f};
 * FloatExp.ofDifferenceInPlace(row, 0, 3, 2f, new float[3]);   // row = e^(row − 2)
 * }</pre>
 */
public final class FloatExp {

    private static final float LOG2E = (float) (1 / Math.log(2));
    /** ln 2 in two parts: the first has few bits, so that {@code n·LN2_HIGH} is exact. */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = (float) (Math.log(2) - 0.693359375);
    /** 1.5·2²³: adding and subtracting it rounds a float of magnitude below 2²² to an integer. */
    private static final float ROUNDING = 12582912f;
    private static final float P0 = 0.5f;
    private static final float P1 = 0.1666666567325592f;
    private static final float P2 = 0.04166629537940025f;
    private static final float P3 = 0.008333496749401093f;
    private static final float P4 = 0.0013944648671895266f;
    private static final float P5 = 0.00019790352962445468f;
    private static final int MIN_EXPONENT = -126;
    private static final int MAX_EXPONENT = 127;

    private FloatExp() {
    }

    /**
     * Replaces {@code values[from…to−1]} by {@code e^(values[j] − shift)}.
     *
     * @param values the inputs, overwritten by the results
     * @param shift subtracted from each input first (a softmax row's maximum), in float32
     * @param powers scratch of at least {@code to} elements
     */
    public static void ofDifferenceInPlace(float[] values, int from, int to, float shift, float[] powers) {
        for (int j = from; j < to; j++) {
            float x = values[j] - shift;
            float n = (x * LOG2E + ROUNDING) - ROUNDING;
            float r = (x - n * LN2_HIGH) - n * LN2_LOW;
            float p = ((((P5 * r + P4) * r + P3) * r + P2) * r + P1) * r + P0;
            values[j] = p * r * r + r + 1f;                                      // e^r
            powers[j] = n;
        }
        // the power of two from its exponent bits: the only step the JIT leaves scalar
        for (int j = from; j < to; j++) {
            int n = (int) powers[j];
            if (n < MIN_EXPONENT) {                                             // −∞ too; NaN makes n = 0
                values[j] = 0f;
            } else if (n > MAX_EXPONENT) {
                values[j] = Float.POSITIVE_INFINITY;
            } else {
                values[j] *= Float.intBitsToFloat((n + 127) << 23);
            }
        }
    }
}
