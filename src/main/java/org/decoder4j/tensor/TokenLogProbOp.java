package org.decoder4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The log-probability of one chosen token per row, {@code log_softmax(logits)[i, tokens[i]]}, as
 * PyTorch's {@code log_softmax(logits, -1).gather(-1, tokens)}: the per-token log-probabilities
 * that policy-gradient methods weight.
 *
 * <pre>{@code
 * Tensor logp = TokenLogProbOp.apply(logits, tokens);   // logits [N, V], tokens [N] -> [N]
 * }</pre>
 *
 * <p>The gradient of row {@code i} is {@code g[i]·(onehot(tokens[i]) − softmax(logits[i]))},
 * formed with one scatter, without an {@code [N, V]} one-hot.
 */
public final class TokenLogProbOp {

    private TokenLogProbOp() {
    }

    /**
     * @param logits {@code [N, V]} unnormalised scores
     * @param tokens {@code N} token ids in {@code [0, V)} (any shape with N elements)
     * @return {@code [N]} log-probabilities
     */
    public static Tensor apply(Tensor logits, INDArray tokens) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("token log-probabilities need logits [N, V], got rank " + logits.rank());
        }
        long n = logits.shape()[0];
        long vocab = logits.shape()[1];
        if (tokens.length() != n) {
            throw new IllegalArgumentException("token log-probabilities got " + n + " rows of logits but "
                    + tokens.length() + " tokens");
        }
        long[] ids = tokens.reshape(n).toLongVector();
        long[] flat = new long[(int) n];                                          // row·V + token
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
            flat[i] = (long) i * vocab + ids[i];
        }
        INDArray logp = Nd4j.exec(new LogSoftMax(logits.value(), 1))[0];          // (N, V)
        INDArray index = Nd4j.createFromArray(flat);
        INDArray picked = Nd4j.createUninitialized(logp.dataType(), n);           // (N)
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(logp.reshape(n * vocab), index)
                .addOutputs(picked)
                .addIntegerArguments(0)
                .build());
        return Tensor.fromOp("tokenLogProb", picked, g -> {
            INDArray column = g.reshape(n, 1);                                    // (N, 1)
            INDArray dx = Transforms.exp(logp, true).muliColumnVector(column.neg()); // −g·softmax
            Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                    .addInputs(dx.reshape(n * vocab, 1), index, column)
                    .addOutputs(dx.reshape(n * vocab, 1))
                    .build());
            return new INDArray[] {dx};
        }, logits);
    }
}
