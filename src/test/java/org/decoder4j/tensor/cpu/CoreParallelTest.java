package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * The split loop: every index runs exactly once, in ranges that depend only on the loop's size,
 * whichever thread takes them; a failing range is rethrown to the caller and leaves the workers
 * ready for the next loop; nested and concurrent loops finish. Loops follow one another without a
 * pause, so that a worker is often still looking at a finished loop when the next is handed over.
 */
class CoreParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {0, 1, 2, 3, 7, 64, 1000, 100_003}) {
            for (int minPerRange : new int[] {1, 5, 64, 1 << 20}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(n);
                CoreParallel.forRanges(n, minPerRange, (part, from, to) -> {
                    for (int i = from; i < to; i++) {
                        runs.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, runs.get(i), "index " + i + " of " + n + ", at least " + minPerRange + " per range");
                }
            }
        }
    }

    @Test
    void rangesDependOnlyOnTheLoop() {
        int n = 1001;
        int[][] first = rangesOf(n);
        for (int repeat = 0; repeat < 200; repeat++) {
            assertArrayEquals(first[0], rangesOf(n)[0]);
            assertArrayEquals(first[1], rangesOf(n)[1]);
        }
        int ranges = Math.min(CoreParallel.maxRanges(), n);
        for (int r = 0; r < ranges; r++) {
            assertEquals((int) ((long) n * r / ranges), first[0][r], "start of range " + r);
        }
    }

    /** Each range's start and end, by range number. */
    private static int[][] rangesOf(int n) {
        int[] starts = new int[CoreParallel.maxRanges()];
        int[] ends = new int[CoreParallel.maxRanges()];
        CoreParallel.forRanges(n, 1, (part, from, to) -> {
            starts[part] = from;
            ends[part] = to;
        });
        return new int[][] {starts, ends};
    }

    @Test
    void manyShortLoopsBackToBackEachRunWhole() {
        int n = 64;
        AtomicIntegerArray runs = new AtomicIntegerArray(n);
        int loops = 20_000;
        for (int loop = 0; loop < loops; loop++) {
            CoreParallel.forRanges(n, 1, (part, from, to) -> {
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
        }
        for (int i = 0; i < n; i++) {
            assertEquals(loops, runs.get(i), "index " + i);
        }
    }

    @Test
    void aFailingRangeIsRethrownAndTheNextLoopRuns() {
        IllegalStateException thrown = new IllegalStateException("range failed");
        for (int failing = 0; failing < Math.max(2, CoreParallel.maxRanges()); failing++) {
            int failingRange = failing;
            IllegalStateException e = assertThrows(IllegalStateException.class, () ->
                    CoreParallel.forRanges(1000, 1, (part, from, to) -> {
                        if (part == failingRange) {
                            throw thrown;
                        }
                    }));
            assertSame(thrown, e);
            AtomicIntegerArray runs = new AtomicIntegerArray(1000);
            CoreParallel.forRanges(1000, 1, (part, from, to) -> {
                for (int i = from; i < to; i++) {
                    runs.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 1000; i++) {
                assertEquals(1, runs.get(i));
            }
        }
        AssertionError error = new AssertionError("an error, not an exception");
        assertSame(error, assertThrows(AssertionError.class, () ->
                CoreParallel.forRanges(1000, 1, (part, from, to) -> {
                    if (part == CoreParallel.maxRanges() - 1) {
                        throw error;
                    }
                })));
    }

    @Test
    void nestedLoopsRunInsideTheirRange() {
        int outer = 8;
        int inner = 100;
        AtomicIntegerArray runs = new AtomicIntegerArray(outer * inner);
        CoreParallel.forRanges(outer, 1, (part, from, to) -> {
            for (int o = from; o < to; o++) {
                int base = o * inner;
                CoreParallel.forRanges(inner, 1, (p, f, t) -> {
                    for (int i = f; i < t; i++) {
                        runs.incrementAndGet(base + i);
                    }
                });
            }
        });
        for (int i = 0; i < outer * inner; i++) {
            assertEquals(1, runs.get(i), "index " + i);
        }
    }

    @Test
    void loopsFromSeveralThreadsAtOnceEachRunWhole() throws Exception {
        int threads = 3;
        int n = 500;
        int loops = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            AtomicIntegerArray[] runs = new AtomicIntegerArray[threads];
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                AtomicIntegerArray mine = new AtomicIntegerArray(n);
                runs[t] = mine;
                done[t] = pool.submit(() -> {
                    for (int loop = 0; loop < loops; loop++) {
                        CoreParallel.forRanges(n, 1, (part, from, to) -> {
                            for (int i = from; i < to; i++) {
                                mine.incrementAndGet(i);
                            }
                        });
                    }
                });
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
            for (AtomicIntegerArray mine : runs) {
                for (int i = 0; i < n; i++) {
                    assertEquals(loops, mine.get(i));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
