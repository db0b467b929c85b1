package org.decoder4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link WindowBatching} and {@link RandomPermutation}, shared by the window and batch sources. */
class WindowArithmeticTest {

    @Test
    void windowsFallIntoFullBatchesAndARest() {
        WindowBatching b = new WindowBatching(10, 4);
        assertEquals(3, b.batchCount());
        assertEquals(8, b.firstWindow(2));
        assertEquals(4, b.rows(1));
        assertEquals(2, b.rows(2));
        assertThrows(IndexOutOfBoundsException.class, () -> b.rows(3));
        assertThrows(IndexOutOfBoundsException.class, () -> b.firstWindow(-1));
        assertEquals(0, new WindowBatching(0, 4).batchCount());
    }

    @Test
    void aPermutationHoldsEveryIndexOnceAndDependsOnlyOnTheDraws() {
        int[] p = RandomPermutation.of(50, new SplittableRandom(7));
        assertArrayEquals(RandomPermutation.of(50, new SplittableRandom(7)), p, "same seed, same order");
        int[] sorted = p.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        // Fisher–Yates from the last index down: with n = 3 the draws are nextInt(3), then nextInt(2)
        Random draws = new Random(1);
        int j2 = draws.nextInt(3);
        int j1 = draws.nextInt(2);
        int[] expected = {0, 1, 2};
        int t = expected[2];
        expected[2] = expected[j2];
        expected[j2] = t;
        t = expected[1];
        expected[1] = expected[j1];
        expected[j1] = t;
        assertArrayEquals(expected, RandomPermutation.of(3, new Random(1)));
        assertArrayEquals(new int[0], RandomPermutation.of(0, new Random(1)));
    }
}
