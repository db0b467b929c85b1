package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

/**
 * Every consecutive non-overlapping window of the data, once, in order, for evaluation: window
 * {@code i} has inputs {@code tokens[i·T, i·T+T)} and targets the same shifted by one; a
 * remainder shorter than {@code T + 1} tokens is dropped. Windows come in batches of up to
 * {@code B} rows, the last batch holding the rest.
 *
 * <pre>{@code
 * for (Batch batch : new ConsecutiveWindows(val, 32, 64)) {
 *     try (batch) {
 *         total += lossSum(model, batch);
 *     }
 * }
 * }</pre>
 */
public final class ConsecutiveWindows implements EvaluationWindows {

    private final TokenDataset data;
    private final int batchSize;
    private final int contextLength;
    private final long windowCount;

    /**
     * @throws IllegalArgumentException if a size is not positive or the data is shorter than {@code T + 1}
     * @param data the tokens to cut into windows
     * @param batchSize B, the windows per batch
     * @param contextLength T, the tokens per window
     */
    public ConsecutiveWindows(TokenDataset data, int batchSize, int contextLength) {
        WindowArguments.check(data, batchSize, contextLength);
        this.data = data;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
        this.windowCount = (data.size() - 1) / contextLength;
    }

    @Override
    public WindowBatching batching() {
        return new WindowBatching(windowCount, batchSize);
    }

    /**
     * Number of target tokens over all windows, {@code windowCount · T}.
     *
     * @return the scored token count
     */
    @Override
    public long tokenCount() {
        return windowCount * contextLength;
    }

    /**
     * Batch {@code index} of {@link #batchCount()}: windows {@code [index·B, min(index·B + B, windowCount))}.
     *
     * @throws IndexOutOfBoundsException if there is no such batch
     */
    @Override
    public Batch batch(long index) {
        long first = batching().firstWindow(index);
        int rows = batching().rows(index);
        long[] starts = new long[rows];
        for (int b = 0; b < rows; b++) {
            starts[b] = (first + b) * contextLength;
        }
        return Batch.ofWindows(data, starts, contextLength);
    }
}
