package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax cross-entropy of float32 or bfloat16 logits in one pass per row each way, rows split
 * across cores: what {@code CrossEntropyOp} otherwise does with a log-softmax, a gather, an
 * exponential and a scatter. The forward pass keeps two numbers per row, not the {@code [N, V]}
 * softmax: the backward pass recomputes it from the logits with the same float operations, bit for
 * bit (at GPT-2's vocabulary the softmax would be as large as the logits, 206 MB per 1024
 * positions). Bfloat16 logits are widened to float32 row by row and everything is computed in
 * float32, as PyTorch's autocast computes the loss; their gradient is bfloat16, each value the
 * float32 gradient rounded to nearest even.
 */
public final class CrossEntropyKernel {

    /** Rows per range when the rows are split across cores. */
    private static final int MIN_ROWS = 128;

    /** The logits {@code [N, V]}, which the caller keeps unchanged until the backward pass. */
    private final INDArray logits;
    /** Per row, the largest logit. */
    private final float[] rowMax;
    /** Per row, 1 / Σⱼ exp(xⱼ − max). */
    private final float[] rowInverse;
    private final long[] targets;
    private final long ignoreIndex;

    private CrossEntropyKernel(INDArray logits, float[] rowMax, float[] rowInverse, long[] targets, long ignoreIndex) {
        this.logits = logits;
        this.rowMax = rowMax;
        this.rowInverse = rowInverse;
        this.targets = targets;
        this.ignoreIndex = ignoreIndex;
    }

    /**
     * Computes the softmax of {@code logits [N, V]} (dense float32 or bfloat16, left unchanged and
     * read again by {@link #backward}) and returns the state for the backward pass;
     * {@code lossSum[0]} is then Σ −log p(target) over the counted rows.
     */
    public static CrossEntropyKernel forward(INDArray logits, long[] targets, long ignoreIndex, double[] lossSum) {
        int n = (int) logits.size(0);
        int vocab = (int) logits.size(1);
        Rows xs = Rows.of(logits);
        float[] rowMax = new float[n];
        float[] rowInverse = new float[n];
        double[] partLoss = new double[CoreParallel.maxRanges()];
        CoreParallel.forRanges(n, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[vocab];
            float[] powers = new float[vocab];
            short[] bits = xs.bitsRow(vocab);
            double loss = 0;
            for (int r = from; r < to; r++) {
                xs.get(r, row, bits);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < vocab; j++) {
                    max = Math.max(max, row[j]);
                }
                long target = targets[r];
                float targetLogit = target == ignoreIndex ? 0f : row[(int) target];
                FloatExp.ofDifferenceInPlace(row, 0, vocab, max, powers);          // as the backward pass computes it
                double sum = 0;
                for (int j = 0; j < vocab; j++) {
                    sum += row[j];
                }
                rowMax[r] = max;
                rowInverse[r] = (float) (1.0 / sum);
                if (target != ignoreIndex) {
                    loss += max + Math.log(sum) - targetLogit;                      // −log p(target)
                }
            }
            partLoss[part] = loss;
        });
        double total = 0;
        for (double loss : partLoss) {
            total += loss;
        }
        lossSum[0] = total;
        return new CrossEntropyKernel(logits, rowMax, rowInverse, targets, ignoreIndex);
    }

    /**
     * dL/d logits {@code = scale·(softmax − onehot)} on counted rows, 0 on ignored ones; a new array
     * of the logits' type.
     */
    public INDArray backward(double scale) {
        return backwardInto(scale, Nd4j.createUninitialized(logits.dataType(), logits.size(0), logits.size(1)));
    }

    /**
     * The same gradient written over the logits themselves, each row after it is read: no array of
     * their size is made, and the logits are gone. Returns the logits' array.
     */
    public INDArray backwardOverLogits(double scale) {
        return backwardInto(scale, logits);
    }

    private INDArray backwardInto(double scale, INDArray dx) {
        int n = (int) logits.size(0);
        int vocab = (int) logits.size(1);
        Rows xs = Rows.of(logits);
        Rows ds = Rows.of(dx);
        float factor = (float) scale;
        CoreParallel.forRanges(n, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[vocab];
            float[] powers = new float[vocab];
            short[] bits = xs.bitsRow(vocab);
            for (int r = from; r < to; r++) {
                long target = targets[r];
                if (target == ignoreIndex) {
                    java.util.Arrays.fill(row, 0f);
                } else {
                    xs.get(r, row, bits);
                    float inverse = rowInverse[r];
                    FloatExp.ofDifferenceInPlace(row, 0, vocab, rowMax[r], powers);  // softmax, as forward made it
                    for (int j = 0; j < vocab; j++) {
                        row[j] = row[j] * inverse * factor;
                    }
                    row[(int) target] -= factor;
                }
                ds.put(r, row, bits);
            }
        });
        return dx;
    }

    /** Rows of a dense {@code [N, V]} array, float32 or bfloat16, read and written as float32. */
    private record Rows(FloatBuffer floats, ShortBuffer bfloat16, int vocab) {

        static Rows of(INDArray x) {
            int vocab = (int) x.size(1);
            return x.dataType() == DataType.BFLOAT16
                    ? new Rows(null, Bfloat16Memory.of(x), vocab) : new Rows(FloatMemory.of(x), null, vocab);
        }

        /** A scratch row of bit patterns for {@link #get} and {@link #put}: empty for float32 rows. */
        short[] bitsRow(int length) {
            return new short[bfloat16 == null ? 0 : length];
        }

        /** {@code row ← x[r]}, exact. */
        void get(int r, float[] row, short[] bits) {
            if (bfloat16 == null) {
                floats.get(r * vocab, row);
            } else {
                bfloat16.get(r * vocab, bits);
                Bfloat16Memory.widen(bits, row, vocab);
            }
        }

        /** {@code x[r] ← row}, rounded to nearest even where x is bfloat16. */
        void put(int r, float[] row, short[] bits) {
            if (bfloat16 == null) {
                floats.put(r * vocab, row);
            } else {
                Bfloat16Memory.narrow(row, bits, vocab);
                bfloat16.put(r * vocab, bits);
            }
        }
    }
}
