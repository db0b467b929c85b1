package org.decoder4j.data.batch;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.decoder4j.data.tokens.TokenDataset;

/**
 * Epochs over the {@code n = floor((size − 1) / T)} non-overlapping windows of a dataset, in a new
 * seeded order each epoch, as a PyTorch {@code DataLoader(shuffle=True)} over a dataset of
 * fixed-length chunks: every window is seen exactly once per epoch. The last batch of an epoch
 * has the {@code n mod B} windows left over, unless {@code dropLast} (then every batch has B).
 *
 * <pre>{@code
 * ShuffledWindows loader = new ShuffledWindows(train, 12, 64, 1337, false);
 * for (int epoch = 0; epoch < 3; epoch++) {
 *     for (Batch batch : loader.epoch(epoch)) {
 *         // ... forward, backward, step; close the batch when done
 *     }
 * }
 * }</pre>
 *
 * <p>As a {@link BatchSampler}, position {@code p} is batch {@code p mod batchesPerEpoch} of
 * epoch {@code p / batchesPerEpoch}, so a saved position resumes mid-epoch exactly.
 */
public final class ShuffledWindows extends WindowSampler {

    private final long seed;
    private final boolean dropLast;
    private final int windowCount;
    private long cachedEpoch = -1;
    private int[] order;

    /**
     * @throws IllegalArgumentException if a size is not positive, the data is shorter than
     *                                  {@code T + 1}, or (with {@code dropLast}) has fewer than B windows
     * @param data the tokens to cut into windows
     * @param batchSize B, the windows per batch
     * @param contextLength T, the tokens per window
     * @param seed seed of the epochs' orders
     * @param dropLast whether to drop an epoch's last, incomplete batch
     */
    public ShuffledWindows(TokenDataset data, int batchSize, int contextLength, long seed, boolean dropLast) {
        super(data, batchSize, contextLength);
        long n = (data.size() - 1) / contextLength;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(data.source() + " has " + n + " windows of " + contextLength
                    + " tokens, more than an epoch order can hold; use random windows");
        }
        if (dropLast && n < batchSize) {
            throw new IllegalArgumentException(data.source() + " has " + n + " windows of " + contextLength
                    + " tokens, fewer than one batch of " + batchSize + " with dropLast");
        }
        this.seed = seed;
        this.dropLast = dropLast;
        this.windowCount = (int) n;
    }

    /**
     * n, the windows in one epoch.
     *
     * @return the window count
     */
    public int windowCount() {
        return windowCount;
    }

    /**
     * Batches per epoch: {@code n / B} with dropLast, else {@code ceil(n / B)}.
     *
     * @return the batch count of an epoch
     */
    public long batchesPerEpoch() {
        return dropLast ? windowCount / batchSize : (windowCount + batchSize - 1) / batchSize;
    }

    /**
     * The batches of one epoch, in its shuffled order.
     *
     * @param epoch the epoch's index, {@code >= 0}
     * @return the epoch's batches, each to be closed by the caller
     */
    public Iterable<Batch> epoch(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        }
        return () -> new Iterator<>() {
            private long index;

            @Override
            public boolean hasNext() {
                return index < batchesPerEpoch();
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + epoch + " has " + batchesPerEpoch() + " batches");
                }
                return Batch.ofWindows(data, startsIn(epoch, index++), contextLength);
            }
        };
    }

    @Override
    long[] starts(long position) {
        long perEpoch = batchesPerEpoch();
        return startsIn(position / perEpoch, position % perEpoch);
    }

    private long[] startsIn(long epoch, long index) {
        int[] permutation = order(epoch);
        int first = Math.toIntExact(index * batchSize);
        int rows = Math.min(batchSize, windowCount - first);
        long[] starts = new long[rows];
        for (int b = 0; b < rows; b++) {
            starts[b] = (long) permutation[first + b] * contextLength;
        }
        return starts;
    }

    /** The window order of {@code epoch}: a Fisher–Yates shuffle seeded by the seed and the epoch. */
    private int[] order(long epoch) {
        if (epoch != cachedEpoch) {
            order = RandomPermutation.of(windowCount,
                    new SplittableRandom(seed ^ (epoch + 1) * 0x9E3779B97F4A7C15L));
            cachedEpoch = epoch;
        }
        return order;
    }
}
