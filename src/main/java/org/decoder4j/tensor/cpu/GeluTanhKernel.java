package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * GPT-2's tanh GELU on float32 in one pass forward and one backward, as {@code x·σ(2u)} with
 * {@code u = √(2/π)·(x + 0.044715·x³)}: what {@code GeluOp#tanh} composes from a dozen native calls
 * for other types. Elements go through in blocks copied to the heap, where the loops vectorise.
 *
 * <p>{@code σ(2u) = (1 + tanh u)/2}, and tanh is a rational function {@code u·P(u²)/Q(u²)} on
 * {@code |u| ≤ 9} (±1 beyond, as in float32), fitted by {@code tools/kernels/fit_tanh.py}: largest
 * relative error 6.4e-8 in exact arithmetic, 3.7e-7 evaluated in float32. It needs no exponential,
 * which the JIT does not vectorise (Math.exp made this pass ten times slower).
 */
public final class GeluTanhKernel {

    private static final int BLOCK = 4096;
    /** Blocks per range when the elements are split across cores. */
    private static final int MIN_BLOCKS = 4;
    private static final float TWO_SQRT_2_OVER_PI = (float) (2 * Math.sqrt(2.0 / Math.PI));
    private static final float CUBIC = 0.044715f;
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2.0 / Math.PI);
    private static final float TANH_LIMIT = 9f;
    private static final float P0 = 0.9999999779213863f;
    private static final float P1 = 0.12922703304133473f;
    private static final float P2 = 0.002924326142846107f;
    private static final float P3 = 9.296555694868883e-06f;
    private static final float P4 = -1.2855204130870823e-08f;
    private static final float P5 = 1.8415764199468194e-11f;
    private static final float Q1 = 0.4625600170221259f;
    private static final float Q2 = 0.02377822527924821f;
    private static final float Q3 = 0.00022856988655830013f;

    private GeluTanhKernel() {
    }

    /** Writes {@code y = x·σ(2u)}; both dense float32 of one length. */
    public static void forward(INDArray x, INDArray y) {
        FloatBuffer xs = FloatMemory.of(x);
        FloatBuffer ys = FloatMemory.of(y);
        int n = (int) x.length();
        CoreParallel.forRanges(blocks(n), MIN_BLOCKS, (part, fromBlock, toBlock) -> {
            float[] xb = new float[BLOCK];
            for (int start = fromBlock * BLOCK; start < Math.min(n, toBlock * BLOCK); start += BLOCK) {
                int len = Math.min(BLOCK, n - start);
                xs.get(start, xb, 0, len);
                apply(xb, len);
                ys.put(start, xb, 0, len);
            }
        });
    }

    /** Replaces {@code xs[0…n−1]} by {@code x·σ(2u)} in place. */
    public static void apply(float[] xs, int n) {
        for (int i = 0; i < n; i++) {
            float v = xs[i];
            xs[i] = v * sigmoid(v);
        }
    }

    /**
     * {@code σ(2u) = (1 + tanh u)/2} of one element: the forward and backward passes both call
     * it, so the backward recomputes exactly the values the forward used instead of keeping them.
     */
    private static float sigmoid(float v) {
        float u = SQRT_2_OVER_PI * v * (1f + CUBIC * v * v);
        u = Math.max(-TANH_LIMIT, Math.min(TANH_LIMIT, u));
        float z = u * u;
        float p = ((((P5 * z + P4) * z + P3) * z + P2) * z + P1) * z + P0;
        float q = ((Q3 * z + Q2) * z + Q1) * z + 1f;
        return 0.5f + 0.5f * (u * p / q);
    }

    /** {@code dx = dy·(σ + x·σ·(1 − σ)·2√(2/π)·(1 + 3c·x²))}, a new array shaped like {@code x}. */
    public static INDArray backward(INDArray x, INDArray dy) {
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
        FloatBuffer xs = FloatMemory.of(x);
        FloatBuffer gs = FloatMemory.of(dy);
        FloatBuffer dxs = FloatMemory.of(dx);
        int n = (int) x.length();
        CoreParallel.forRanges(blocks(n), MIN_BLOCKS, (part, fromBlock, toBlock) -> {
            float[] xb = new float[BLOCK];
            float[] gb = new float[BLOCK];
            for (int start = fromBlock * BLOCK; start < Math.min(n, toBlock * BLOCK); start += BLOCK) {
                int len = Math.min(BLOCK, n - start);
                xs.get(start, xb, 0, len);
                gs.get(start, gb, 0, len);
                for (int i = 0; i < len; i++) {
                    float v = xb[i];
                    float s = sigmoid(v);
                    float slope = TWO_SQRT_2_OVER_PI * (1f + 3f * CUBIC * v * v);
                    gb[i] *= s + v * s * (1f - s) * slope;
                }
                dxs.put(start, gb, 0, len);
            }
        });
        return dx;
    }

    private static int blocks(int n) {
        return (n + BLOCK - 1) / BLOCK;
    }
}
