package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

/**
 * Batches that walk the data in order through its {@code n = floor((size - 1) / T)}
 * non-overlapping windows, wrapping around: at call {@code k} (from 0) row {@code b} is window
 * {@code w = (k·B + b) mod n}, with inputs {@code tokens[w·T, w·T+T)} and targets the same
 * shifted by one.
 *
 * <pre>{@code
 * SequentialWindows sampler = new SequentialWindows(train, 12, 64);
 * sampler.seek(savedPosition);             // resume at call k
 * Batch batch = sampler.next();
 * }</pre>
 */
public final class SequentialWindows extends WindowSampler {

    private final long windowCount;

    /**
     * @throws IllegalArgumentException if a size is not positive or the data is shorter than {@code T + 1}
     * @param data the tokens to cut into windows
     * @param batchSize B, the windows per batch
     * @param contextLength T, the tokens per window
     */
    public SequentialWindows(TokenDataset data, int batchSize, int contextLength) {
        super(data, batchSize, contextLength);
        this.windowCount = (data.size() - 1) / contextLength;
    }

    /**
     * n, the number of distinct windows the sampler cycles through.
     *
     * @return the window count
     */
    public long windowCount() {
        return windowCount;
    }

    @Override
    long[] starts(long position) {
        long[] starts = new long[batchSize];
        long first = Math.multiplyExact(position % windowCount, (long) batchSize) % windowCount;  // (k·B) mod n
        for (int b = 0; b < batchSize; b++) {
            starts[b] = ((first + b) % windowCount) * contextLength;
        }
        return starts;
    }
}
