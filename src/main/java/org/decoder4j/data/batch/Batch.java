package org.decoder4j.data.batch;

import java.util.Arrays;
import java.util.Objects;
import org.decoder4j.data.tokens.TokenDataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A batch of training windows: {@code inputs[b, t]} is a token and {@code targets[b, t]} the token
 * that follows it. Both are ND4J INT64 arrays of shape [B, T].
 *
 * <pre>{@code
 * try (Batch batch = sampler.next()) {
 *     Tensor logits = model.forward(batch.inputs());          // (B, T, vocab)
 *     Tensor loss = Loss.crossEntropy(logits, batch.targets());
 * }
 * }</pre>
 *
 * @param inputs token ids, INT64 [B, T]
 * @param targets next-token ids, INT64 [B, T]
 */
public record Batch(INDArray inputs, INDArray targets) implements AutoCloseable {

    /**
     * Checks that both arrays are there and have the same shape [B, T].
     *
     * @param inputs token ids, INT64 [B, T]
     * @param targets next-token ids, INT64 [B, T]
     * @throws IllegalArgumentException if the shapes differ or are not of rank 2
     */
    public Batch {
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(targets, "targets");
        if (inputs.rank() != 2 || !Arrays.equals(inputs.shape(), targets.shape())) {
            throw new IllegalArgumentException("inputs and targets must both be [B, T], got "
                    + Arrays.toString(inputs.shape()) + " and " + Arrays.toString(targets.shape()));
        }
    }

    /**
     * The batch whose row {@code b} is the window starting at token {@code starts[b]}: inputs are
     * tokens {@code [s, s+T)} and targets tokens {@code [s+1, s+T+1)}.
     *
     * @throws IndexOutOfBoundsException if a window runs past the end of the data
     * @param data the tokens to cut the windows from
     * @param starts the first token of each row's window
     * @param contextLength T, the tokens per row
     * @return a new batch, to be closed by the caller
     */
    public static Batch ofWindows(TokenDataset data, long[] starts, int contextLength) {
        if (starts.length == 0 || contextLength <= 0) {
            throw new IllegalArgumentException("a batch needs at least one window of positive length, got "
                    + starts.length + " windows of " + contextLength);
        }
        int t = contextLength;
        long[] inputs = new long[Math.multiplyExact(starts.length, t)];
        long[] targets = new long[inputs.length];
        for (int b = 0; b < starts.length; b++) {
            data.copy(starts[b], inputs, b * t, t);
            data.copy(starts[b] + 1, targets, b * t, t);
        }
        long[] shape = {starts.length, t};
        return new Batch(Nd4j.create(inputs, shape, DataType.INT64), Nd4j.create(targets, shape, DataType.INT64));
    }

    /**
     * B, the number of rows.
     *
     * @return B
     */
    public int batchSize() {
        return (int) inputs.size(0);
    }

    /**
     * T, the number of positions per row.
     *
     * @return T
     */
    public int contextLength() {
        return (int) inputs.size(1);
    }

    /** Releases both arrays' off-heap memory now rather than when they are garbage collected. */
    @Override
    public void close() {
        if (inputs.closeable()) {
            inputs.close();
        }
        if (targets.closeable()) {
            targets.close();
        }
    }
}
