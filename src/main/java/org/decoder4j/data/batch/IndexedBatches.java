package org.decoder4j.data.batch;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A finite sequence of batches that can be read in any order by index and iterated in order, as
 * evaluation reads its windows. Each call builds a new batch, which the caller closes.
 *
 * <pre>{@code
 * IndexedBatches windows = new ConsecutiveWindows(val, 32, 64);
 * Batch last = windows.batch(windows.batchCount() - 1);    // possibly fewer than 32 rows
 * for (Batch batch : windows) {
 *     try (batch) {
 *         // ...
 *     }
 * }
 * }</pre>
 */
public interface IndexedBatches extends Iterable<Batch> {

    /**
     * Number of batches.
     *
     * @return the batch count
     */
    long batchCount();

    /**
     * Batch {@code index} of {@link #batchCount()}.
     *
     * @throws IndexOutOfBoundsException if there is no such batch
     * @param index in {@code [0, batchCount())}
     * @return the batch, which the caller closes
     */
    Batch batch(long index);

    /** The batches in index order. */
    @Override
    default Iterator<Batch> iterator() {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < batchCount();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + batchCount() + " batches were returned");
                }
                return batch(next++);
            }
        };
    }
}
