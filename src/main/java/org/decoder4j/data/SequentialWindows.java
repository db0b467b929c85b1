package org.decoder4j.data;

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
public final class SequentialWindows implements BatchSampler {

    private final TokenDataset data;
    private final int batchSize;
    private final int contextLength;
    private final long windowCount;
    private long position;

    /**
     * @throws IllegalArgumentException if a size is not positive or the data is shorter than {@code T + 1}
     */
    public SequentialWindows(TokenDataset data, int batchSize, int contextLength) {
        WindowArguments.check(data, batchSize, contextLength);
        this.data = data;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
        this.windowCount = (data.size() - 1) / contextLength;
    }

    /** n, the number of distinct windows the sampler cycles through. */
    public long windowCount() {
        return windowCount;
    }

    @Override
    public Batch next() {
        long[] starts = new long[batchSize];
        long first = Math.multiplyExact(position % windowCount, (long) batchSize) % windowCount;  // (k·B) mod n
        for (int b = 0; b < batchSize; b++) {
            starts[b] = ((first + b) % windowCount) * contextLength;
        }
        position++;
        return Batch.ofWindows(data, starts, contextLength);
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be non-negative, got " + position);
        }
        this.position = position;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }
}
