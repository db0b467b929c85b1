package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

/**
 * A {@link BatchSampler} whose batches are windows of one token file, and which can say where
 * those windows start without reading them: what a data-parallel trainer sends to its workers,
 * which then read the windows themselves.
 *
 * <pre>{@code
 * WindowSource sampler = new RandomWindows(train, 8, 64, 1337);
 * long[] starts = sampler.nextStarts();       // 8 token offsets; position() is now 1
 * Batch same = Batch.ofWindows(train, starts, sampler.contextLength());
 * }</pre>
 *
 * <p>{@code nextStarts()} and {@link #next()} advance the same position: drawing the starts of
 * batch k and building {@code Batch.ofWindows(data(), starts, T)} gives exactly batch k.
 */
public interface WindowSource extends BatchSampler {

    /**
     * The token file the windows are taken from.
     *
     * @return the tokens
     */
    TokenDataset data();

    /**
     * The token offsets of the next batch's windows, one per row (the last batch of a
     * {@link ShuffledWindows} epoch may have fewer than {@link #batchSize()}); advances
     * {@link #position()} by one.
     *
     * @return the first token of each window of the batch
     */
    long[] nextStarts();
}
