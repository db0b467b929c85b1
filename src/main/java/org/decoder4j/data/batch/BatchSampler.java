package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

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
 *
 * <p>The window samplers of a token file are made by {@link #random}, {@link #sequential} and
 * {@link #shuffled}; other sources (dialogue batches, for one) implement this interface. The
 * windows that score a file, each once, are {@link EvaluationWindows}.
 */
public interface BatchSampler {

    /**
     * nanoGPT's sampling: each row starts at a uniformly random offset ({@link RandomWindows}).
     *
     * @param data          the tokens
     * @param batchSize     B, windows per batch
     * @param contextLength T, tokens per window
     * @param seed          seed of the offsets
     * @return the sampler
     */
    static BatchSampler random(TokenDataset data, int batchSize, int contextLength, long seed) {
        return new RandomWindows(data, batchSize, contextLength, seed);
    }

    /**
     * The consecutive windows in order, wrapping around ({@link SequentialWindows}).
     *
     * @param data          the tokens
     * @param batchSize     B, windows per batch
     * @param contextLength T, tokens per window
     * @return the sampler
     */
    static BatchSampler sequential(TokenDataset data, int batchSize, int contextLength) {
        return new SequentialWindows(data, batchSize, contextLength);
    }

    /**
     * Epochs over the non-overlapping windows, a new seeded order each epoch, keeping an
     * epoch's last, smaller batch ({@link ShuffledWindows}).
     *
     * @param data          the tokens
     * @param batchSize     B, windows per batch
     * @param contextLength T, tokens per window
     * @param seed          seed of the epochs' orders
     * @return the sampler
     */
    static ShuffledWindows shuffled(TokenDataset data, int batchSize, int contextLength, long seed) {
        return new ShuffledWindows(data, batchSize, contextLength, seed, false);
    }

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
