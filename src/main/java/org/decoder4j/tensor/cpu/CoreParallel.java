package org.decoder4j.tensor.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over {@code [0, n)} into a few contiguous ranges per processor, taken in turn by a
 * few daemon worker threads and the caller. The BLAS products (each product itself
 * single-threaded, see {@link BlasGemm}) and the fused kernels use it to occupy every core.
 *
 * <p>Workers spin for a short while after each range before they sleep, and the caller spins
 * while it waits: the ranges of a small model's step last a few hundred microseconds, and waking a
 * sleeping thread through the kernel cost about a quarter of that on the machines measured. One
 * loop runs at a time; a second thread that asks meanwhile runs its loop alone, as does a worker.
 * The number of threads is the processor count, or the system property {@code decoder4j.threads}.
 *
 * <pre>{@code
 * CoreParallel.forRanges(rows, 64, (part, from, to) -> normaliseRows(from, to));
 * }</pre>
 */
public final class CoreParallel {

    /** One range of a split loop: the range's number (0 up to {@link #maxRanges()}) and its indices. */
    @FunctionalInterface
    public interface RangeTask {
        /**
         * Does the work of one range.
         *
         * @param part the range's number
         * @param from its first index
         * @param to the index after its last
         */
        void run(int part, int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;
    /**
     * Ranges per thread. One, measured: three per thread (smaller products, more calls) made the
     * recipe's step slower (docs/benchmarks.md, "Measurements behind the code").
     */
    private static final int RANGES_PER_THREAD = 1;
    private static final int PARTS = Math.max(1, Integer.getInteger("decoder4j.threads",
            Runtime.getRuntime().availableProcessors()));
    private static final Worker[] WORKERS = new Worker[PARTS - 1];
    private static final AtomicBoolean BUSY = new AtomicBoolean();

    static {
        for (int i = 0; i < WORKERS.length; i++) {
            WORKERS[i] = new Worker("decoder4j-worker-" + (i + 1));
        }
    }

    private CoreParallel() {
    }

    /**
     * How many threads share a loop: the workers and the caller.
     *
     * @return the thread count
     */
    public static int parts() {
        return PARTS;
    }

    /**
     * The most ranges a loop is split into, and so the size for per-range partial results.
     *
     * @return the range count
     */
    public static int maxRanges() {
        return PARTS == 1 ? 1 : PARTS * RANGES_PER_THREAD;
    }

    /**
     * Runs {@code task} over {@code [0, n)} in up to {@link #maxRanges()} contiguous ranges of at
     * least {@code minPerRange} indices each, which the caller and the workers take in turn until
     * none is left (so a late or slow thread does not hold the others up); returns when all are
     * done, rethrowing the first failure. The ranges depend only on {@code n}, {@code minPerRange}
     * and the thread count, never on which thread runs them, so per-range partial results added in
     * range order repeat exactly.
     *
     * @param n the number of indices
     * @param minPerRange the fewest indices in a range
     * @param task the work of one range
     */
    public static void forRanges(int n, int minPerRange, RangeTask task) {
        int ranges = (int) Math.min(maxRanges(), Math.max(1, n / Math.max(1, (long) minPerRange)));
        if (ranges <= 1) {
            task.run(0, 0, n);
            return;
        }
        SplitLoop loop = new SplitLoop(n, ranges, task);
        if (WORKERS.length == 0 || Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
            loop.run();
            loop.rethrow();
            return;
        }
        try {
            int helpers = Math.min(WORKERS.length, ranges - 1);
            for (int w = 0; w < helpers; w++) {
                WORKERS[w].hand(loop);
            }
            loop.run();
            loop.awaitAll();
            loop.rethrow();
        } finally {
            BUSY.set(false);
        }
    }

    /**
     * One split loop: its ranges go to whichever thread asks next, and it is done when every range
     * has run, not when every thread it was handed to has looked at it. A worker that wakes late
     * finds nothing left, and the caller, having run the ranges itself, does not wait for it.
     */
    private static final class SplitLoop implements Runnable {
        private final int n;
        private final int ranges;
        private final RangeTask task;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger finished = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        SplitLoop(int n, int ranges, RangeTask task) {
            this.n = n;
            this.ranges = ranges;
            this.task = task;
        }

        /** Runs ranges until none is left; after a failure the rest are taken and skipped. */
        @Override
        public void run() {
            for (int r = next.getAndIncrement(); r < ranges; r = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        task.run(r, (int) ((long) n * r / ranges), (int) ((long) n * (r + 1) / ranges));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    finished.incrementAndGet();
                }
            }
        }

        /** Waits until the ranges other threads took have run (the caller has taken the rest). */
        void awaitAll() {
            while (finished.get() < ranges) {
                Thread.onSpinWait();
            }
        }

        /** Rethrows the failure of a range, if one failed. */
        void rethrow() {
            Throwable e = failure.get();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error r) {
                throw r;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A daemon thread that runs the split loops handed to it, through an atomic slot. */
    private static final class Worker extends Thread {
        private final AtomicReference<Runnable> task = new AtomicReference<>();
        private volatile boolean sleeping;

        Worker(String name) {
            super(name);
            setDaemon(true);
            start();
        }

        /** Hands over a loop; one handed earlier and not yet taken is replaced (its ranges have all run). */
        void hand(Runnable loop) {
            task.set(loop);
            if (sleeping) {
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (true) {
                next().run();                                   // a SplitLoop keeps its ranges' failures
            }
        }

        private Runnable next() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                if (task.get() != null) {
                    Runnable loop = task.getAndSet(null);
                    if (loop != null) {
                        return loop;
                    }
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (task.get() == null) {
                    LockSupport.park(this);
                }
                sleeping = false;
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }
}
