package org.decoder4j.data.batch;

/**
 * How {@code windowCount} windows fall into batches of up to {@code batchSize} rows, in order, the
 * last batch holding the rest: the arithmetic shared by the evaluation windows
 * ({@link ConsecutiveWindows}, {@code eval.SlidingWindows}).
 *
 * <pre>{@code
 * WindowBatching b = new WindowBatching(10, 4);   // batches of 4, 4 and 2 windows
 * long first = b.firstWindow(2);                   // 8
 * int rows = b.rows(2);                            // 2
 * }</pre>
 *
 * @param windowCount how many windows, {@code >= 0}
 * @param batchSize   B, the most windows per batch, {@code >= 1}
 */
public record WindowBatching(long windowCount, int batchSize) {

    /**
     * Checks the counts.
     *
     * @param windowCount how many windows
     * @param batchSize   the most windows per batch
     */
    public WindowBatching {
        if (windowCount < 0 || batchSize < 1) {
            throw new IllegalArgumentException("need windowCount >= 0 and batchSize >= 1, got " + windowCount
                    + " and " + batchSize);
        }
    }

    /**
     * Number of batches, {@code ceil(windowCount / B)}.
     *
     * @return the batch count
     */
    public long batchCount() {
        return (windowCount + batchSize - 1) / batchSize;
    }

    /**
     * The first window of batch {@code index}, {@code index·B}.
     *
     * @param index the batch, in {@code [0, batchCount())}
     * @return the window index
     * @throws IndexOutOfBoundsException if there is no such batch
     */
    public long firstWindow(long index) {
        if (index < 0 || index >= batchCount()) {
            throw new IndexOutOfBoundsException("batch " + index + " outside [0, " + batchCount() + ")");
        }
        return index * batchSize;
    }

    /**
     * The windows in batch {@code index}: B, or what is left for the last batch.
     *
     * @param index the batch, in {@code [0, batchCount())}
     * @return the row count
     * @throws IndexOutOfBoundsException if there is no such batch
     */
    public int rows(long index) {
        return (int) Math.min(batchSize, windowCount - firstWindow(index));
    }
}
