package org.decoder4j.tensor.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int r = next.getAndIncrement(); r < ranges; r = next.getAndIncrement()) {
                task.run(r, (int) ((long) n * r / ranges), (int) ((long) n * (r + 1) / ranges));
            }
        };
        if (WORKERS.length == 0 || Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
            drain.run();
            return;
        }
        try {
            int helpers = Math.min(WORKERS.length, ranges - 1);
            for (int w = 0; w < helpers; w++) {
                WORKERS[w].hand(drain);
            }
            Throwable failure = null;
            try {
                drain.run();
            } catch (RuntimeException | Error e) {
                failure = e;
                next.set(ranges);                                               // stop handing out ranges
            }
            for (int w = 0; w < helpers; w++) {
                Throwable other = WORKERS[w].await();
                if (failure == null) {
                    failure = other;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
        } finally {
            BUSY.set(false);
        }
    }

    /** A daemon thread that runs one range at a time, handed over through volatile fields. */
    private static final class Worker extends Thread {
        private volatile Runnable task;
        private volatile boolean done = true;
        private volatile boolean sleeping;
        private volatile Throwable failure;

        Worker(String name) {
            super(name);
            setDaemon(true);
            start();
        }

        void hand(Runnable range) {
            failure = null;
            done = false;
            task = range;
            if (sleeping) {
                LockSupport.unpark(this);
            }
        }

        /** Waits for the current range; returns its failure, or null. */
        Throwable await() {
            while (!done) {
                Thread.onSpinWait();
            }
            return failure;
        }

        @Override
        public void run() {
            while (true) {
                Runnable range = next();
                task = null;
                try {
                    range.run();
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done = true;
                }
            }
        }

        private Runnable next() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Runnable range;
            while ((range = task) == null) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                sleeping = true;
                if (task == null) {
                    LockSupport.park(this);
                }
                sleeping = false;
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
            return range;
        }
    }
}
