package org.decoder4j.data.batch;

import java.util.SplittableRandom;
import org.decoder4j.data.tokens.TokenDataset;

/**
 * Batches of windows at uniformly random offsets, as nanoGPT's {@code get_batch}: each row starts
 * at an offset {@code o} drawn from {@code [0, size - T)}, with inputs {@code tokens[o, o+T)} and
 * targets {@code tokens[o+1, o+T+1)}.
 *
 * <pre>{@code
 * BatchSampler sampler = new RandomWindows(train, 12, 64, 1337);
 * Batch batch = sampler.next();            // inputs and targets INT64 [12, 64]
 * }</pre>
 *
 * <p>The offsets of batch {@code k} depend only on the seed and {@code k}, so the sequence is
 * the same on every run and {@link #seek(long)} is instant.
 */
public final class RandomWindows extends WindowSampler {

    private final long seed;

    /**
     * @throws IllegalArgumentException if a size is not positive or the data is shorter than {@code T + 1}
     * @param data the tokens to sample windows from
     * @param batchSize B, the windows per batch
     * @param contextLength T, the tokens per window
     * @param seed seed of the offsets: batch {@code k} depends on it and {@code k} only
     */
    public RandomWindows(TokenDataset data, int batchSize, int contextLength, long seed) {
        super(data, batchSize, contextLength);
        this.seed = seed;
    }

    /**
     * The window offsets of batch {@code index}, each in {@code [0, size - T)}.
     *
     * @param index the batch's index, {@code >= 0}
     * @return B offsets
     */
    public long[] offsets(long index) {
        SplittableRandom random = new SplittableRandom(mix(seed ^ mix(index + 0x9E3779B97F4A7C15L)));
        long bound = data.size() - contextLength;
        long[] starts = new long[batchSize];
        for (int b = 0; b < batchSize; b++) {
            starts[b] = random.nextLong(bound);
        }
        return starts;
    }

    @Override
    long[] starts(long position) {
        return offsets(position);
    }

    /** Stafford's mix13 finaliser: nearby inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
