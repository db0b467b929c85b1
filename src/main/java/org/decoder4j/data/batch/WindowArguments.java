package org.decoder4j.data.batch;

import org.decoder4j.data.tokens.TokenDataset;

/** Argument checks shared by the window samplers. */
final class WindowArguments {

    private WindowArguments() {
    }

    /**
     * Checks the batch shape and that the data holds at least one window of inputs plus the
     * following target token.
     */
    static void check(TokenDataset data, int batchSize, int contextLength) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + contextLength);
        }
        if (data.size() < (long) contextLength + 1) {
            throw new IllegalArgumentException(data.source() + " has " + data.size() + " tokens; a window of "
                    + contextLength + " inputs and their targets needs at least " + (contextLength + 1L));
        }
    }
}
