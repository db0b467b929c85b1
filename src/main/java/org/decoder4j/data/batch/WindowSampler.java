package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

/**
 * What the window samplers share: the batch shape, the position (how many batches were drawn) and
 * turning the window starts of a position into a {@link Batch}.
 */
abstract class WindowSampler implements WindowSource {

    final TokenDataset data;
    final int batchSize;
    final int contextLength;
    private long position;

    WindowSampler(TokenDataset data, int batchSize, int contextLength) {
        WindowArguments.check(data, batchSize, contextLength);
        this.data = data;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
    }

    /** Token offsets of the {@code batchSize} windows of the batch at {@code position}. */
    abstract long[] starts(long position);

    @Override
    public final Batch next() {
        return Batch.ofWindows(data, nextStarts(), contextLength);
    }

    @Override
    public final long[] nextStarts() {
        return starts(position++);
    }

    @Override
    public final TokenDataset data() {
        return data;
    }

    @Override
    public final long position() {
        return position;
    }

    @Override
    public final void seek(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("position must be non-negative, got " + newPosition);
        }
        this.position = newPosition;
    }

    @Override
    public final int batchSize() {
        return batchSize;
    }

    @Override
    public final int contextLength() {
        return contextLength;
    }
}
