package org.decoder4j.tensor;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a loop over {@code [0, n)} into contiguous ranges, one per processor, run on a few daemon
 * worker threads with the last range on the caller. The BLAS products (each product itself
 * single-threaded, see {@link BlasGemm}) and the fused kernels use it to occupy every core.
 *
 * <p>Workers spin for a short while after each range before they sleep, and the caller spins
 * while it waits: the ranges of a small model's step last a few hundred microseconds, and waking a
 * sleeping thread through the kernel cost about a quarter of that on the machines measured. One
 * loop runs at a time; a second thread that asks meanwhile runs its loop alone, as does a worker.
 * The number of ranges is the processor count, or the system property {@code decoder4j.threads}.
 *
 * <pre>{@code
 * CoreParallel.forRanges(rows, 64, (part, from, to) -> normaliseRows(from, to));
 * }</pre>
 */
public final class CoreParallel {

    /** One range of a split loop: the range's number (0 up to {@link #parts()}) and its indices. */
    @FunctionalInterface
    public interface RangeTask {
        void run(int part, int from, int to);
    }

    private static final long SPIN_NANOS = 200_000;
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

    /** How many ranges a large loop is split into. */
    public static int parts() {
        return PARTS;
    }

    /**
     * Runs {@code task} over {@code [0, n)} in up to {@link #parts()} contiguous ranges of at least
     * {@code minPerRange} indices each; returns when all are done, rethrowing the first failure.
     */
    public static void forRanges(int n, int minPerRange, RangeTask task) {
        int parts = (int) Math.min(PARTS, Math.max(1, n / Math.max(1, (long) minPerRange)));
        if (parts <= 1 || Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
            task.run(0, 0, n);
            return;
        }
        try {
            for (int p = 0; p < parts - 1; p++) {
                int part = p;
                int from = (int) ((long) n * p / parts);
                int to = (int) ((long) n * (p + 1) / parts);
                WORKERS[p].start(() -> task.run(part, from, to));
            }
            Throwable failure = null;
            try {
                task.run(parts - 1, (int) ((long) n * (parts - 1) / parts), n);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int p = 0; p < parts - 1; p++) {
                Throwable other = WORKERS[p].await();
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

        void start(Runnable range) {
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
