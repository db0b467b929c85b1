package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

/**
 * Windows that cover a token file for scoring, each once, in order, in batches of up to B rows
 * ({@link WindowBatching}): {@link ConsecutiveWindows} (non-overlapping) and
 * {@code eval.SlidingWindows} (overlapping, each target scored once). The training windows are
 * the {@link BatchSampler}s beside them.
 *
 * <pre>{@code
 * EvaluationWindows windows = new ConsecutiveWindows(val, 32, 64);
 * long batches = windows.batchCount();
 * for (Batch batch : windows) {
 *     try (batch) {
 *         // score the batch
 *     }
 * }
 * }</pre>
 */
public interface EvaluationWindows extends IndexedBatches {

    /**
     * Every consecutive non-overlapping window once, in order ({@link ConsecutiveWindows}).
     *
     * @param data          the tokens to score
     * @param batchSize     B, the most windows per batch
     * @param contextLength T, tokens per window
     * @return the windows
     */
    static EvaluationWindows consecutive(TokenDataset data, int batchSize, int contextLength) {
        return new ConsecutiveWindows(data, batchSize, contextLength);
    }

    /**
     * How the windows fall into batches.
     *
     * @return the window count and batch size
     */
    WindowBatching batching();

    /**
     * Number of windows.
     *
     * @return the window count
     */
    default long windowCount() {
        return batching().windowCount();
    }

    /**
     * Number of batches, {@code ceil(windowCount / B)}.
     *
     * @return the batch count
     */
    @Override
    default long batchCount() {
        return batching().batchCount();
    }

    /**
     * Number of target tokens scored over all windows.
     *
     * @return the scored token count
     */
    long tokenCount();
}
