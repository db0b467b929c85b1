package org.decoder4j.data.batch;

import java.util.random.RandomGenerator;

/**
 * A uniformly random order of {@code 0..n-1} by the Fisher–Yates shuffle: the one shuffle of the
 * library, behind shuffled windows, dialogue batches and PPO's minibatches. The draws are
 * {@code random.nextInt(i + 1)} for {@code i = n-1} down to 1, so a seeded generator gives the
 * same order on every run.
 *
 * <pre>{@code
 * int[] order = RandomPermutation.of(10, new SplittableRandom(1337));   // each of 0..9 once
 * }</pre>
 */
public final class RandomPermutation {

    private RandomPermutation() {
    }

    /**
     * A random permutation of {@code 0..n-1}.
     *
     * @param n      how many indices, {@code >= 0}
     * @param random the source of the draws
     * @return the indices in shuffled order
     */
    public static int[] of(int n, RandomGenerator random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = p[i];
            p[i] = p[j];
            p[j] = swap;
        }
        return p;
    }
}
