package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax cross-entropy of float32 logits in one pass per row each way, rows split across cores:
 * what {@code CrossEntropyOp} otherwise does with a log-softmax, a gather, an exponential and a
 * scatter. The forward pass keeps the softmax for the backward pass.
 */
public final class CrossEntropyKernel {

    /** Rows per range when the rows are split across cores. */
    private static final int MIN_ROWS = 128;

    /** softmax of the logits {@code [N, V]}. */
    private final INDArray probabilities;
    private final long[] targets;
    private final long ignoreIndex;

    private CrossEntropyKernel(INDArray probabilities, long[] targets, long ignoreIndex) {
        this.probabilities = probabilities;
        this.targets = targets;
        this.ignoreIndex = ignoreIndex;
    }

    /**
     * Computes the softmax of {@code logits [N, V]} (dense float32) and returns the state for the
     * backward pass; {@link #lossSum} is then Σ −log p(target) over the counted rows.
     */
    public static CrossEntropyKernel forward(INDArray logits, long[] targets, long ignoreIndex, double[] lossSum) {
        int n = (int) logits.size(0);
        int vocab = (int) logits.size(1);
        INDArray probabilities = Nd4j.createUninitialized(DataType.FLOAT, n, vocab);
        FloatBuffer xs = FloatMemory.of(logits);
        FloatBuffer ps = FloatMemory.of(probabilities);
        double[] partLoss = new double[CoreParallel.maxRanges()];
        CoreParallel.forRanges(n, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[vocab];
            double loss = 0;
            for (int r = from; r < to; r++) {
                xs.get(r * vocab, row);
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < vocab; j++) {
                    max = Math.max(max, row[j]);
                }
                double sum = 0;
                long target = targets[r];
                float targetLogit = target == ignoreIndex ? 0f : row[(int) target];
                for (int j = 0; j < vocab; j++) {
                    float e = (float) Math.exp(row[j] - max);
                    row[j] = e;
                    sum += e;
                }
                float inverse = (float) (1.0 / sum);
                for (int j = 0; j < vocab; j++) {
                    row[j] *= inverse;
                }
                ps.put(r * vocab, row);
                if (target != ignoreIndex) {
                    loss += max + Math.log(sum) - targetLogit;                  // −log p(target)
                }
            }
            partLoss[part] = loss;
        });
        double total = 0;
        for (double loss : partLoss) {
            total += loss;
        }
        lossSum[0] = total;
        return new CrossEntropyKernel(probabilities, targets, ignoreIndex);
    }

    /** dL/d logits {@code = scale·(softmax − onehot)} on counted rows, 0 on ignored ones; a new array. */
    public INDArray backward(double scale) {
        int n = (int) probabilities.size(0);
        int vocab = (int) probabilities.size(1);
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, n, vocab);
        FloatBuffer ps = FloatMemory.of(probabilities);
        FloatBuffer ds = FloatMemory.of(dx);
        float factor = (float) scale;
        CoreParallel.forRanges(n, MIN_ROWS, (part, from, to) -> {
            float[] row = new float[vocab];
            for (int r = from; r < to; r++) {
                long target = targets[r];
                if (target == ignoreIndex) {
                    java.util.Arrays.fill(row, 0f);
                } else {
                    ps.get(r * vocab, row);
                    for (int j = 0; j < vocab; j++) {
                        row[j] *= factor;
                    }
                    row[(int) target] -= factor;
                }
                ds.put(r * vocab, row);
            }
        });
        return dx;
    }
}
