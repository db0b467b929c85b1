package org.decoder4j.data.batch;

/**
 * An endless, deterministic source of training batches. The {@link #position()} is the number of
 * batches drawn so far; saving it and calling {@link #seek(long)} after a restart continues the
 * same sequence of batches.
 *
 * <pre>{@code
 * BatchSampler sampler = new RandomWindows(train, 12, 64, 1337);
 * Batch batch = sampler.next();
 * long saved = sampler.position();        // 1, stored in the checkpoint
 * // ... after resuming:
 * sampler.seek(saved);                    // the next batch is the one that would have come
 * }</pre>
 */
public interface BatchSampler {

    /**
     * The next batch; advances {@link #position()} by one.
     *
     * @return the batch, which the caller closes
     */
    Batch next();

    /**
     * The number of batches drawn so far, which is also the index of the next batch.
     *
     * @return the position, {@code >= 0}
     */
    long position();

    /**
     * Makes the next batch the one with index {@code position}.
     *
     * @throws IllegalArgumentException if {@code position} is negative
     * @param position the index of the batch to draw next, {@code >= 0}
     */
    void seek(long position);

    /**
     * B, the rows per batch.
     *
     * @return B
     */
    int batchSize();

    /**
     * T, the tokens per row.
     *
     * @return T
     */
    int contextLength();
}
