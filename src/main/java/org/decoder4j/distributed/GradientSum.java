package org.decoder4j.distributed;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.apache.spark.api.java.function.Function2;

/**
 * The running sum of workers' {@link WorkerGradients}, as Spark's tree aggregation builds it:
 * a worker's own result travels as its float32 bytes. Results arrive in the order tasks finish,
 * and float32 addition of three or more vectors depends on that order, so from three workers on
 * the sum is formed in float64 and rounded once at the end: the result does not depend on the
 * arrival order, and a run stays deterministic. Two vectors are added in float32 in place
 * ({@code a + b == b + a} exactly), which saves a float64 copy of the whole model.
 *
 * <pre>{@code
 * GradientSum sum = new GradientSum(2).add(first).merge(new GradientSum(2).add(second));
 * byte[] gradients = sum.gradients();                     // first + second, element by element
 * double loss = sum.loss();
 * }</pre>
 */
final class GradientSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] lossByWorker;
    private final boolean[] present;
    private byte[] single;
    private double[] total;
    private long tokens;
    private long fetchNanos;
    private long computeNanos;
    private long packNanos;
    private long mergeNanos;

    /** An empty sum for a step computed by {@code workers} workers. */
    public GradientSum(int workers) {
        this.lossByWorker = new double[workers];
        this.present = new boolean[workers];
    }

    /** Adds one worker's result; returns this. */
    public GradientSum add(WorkerGradients g) {
        int w = g.worker();
        if (present[w]) {
            throw new IllegalStateException("worker " + w + "'s gradients were added twice");
        }
        present[w] = true;
        lossByWorker[w] = g.loss();
        tokens += g.tokens();
        fetchNanos = Math.max(fetchNanos, g.fetchNanos());
        computeNanos = Math.max(computeNanos, g.computeNanos());
        packNanos = Math.max(packNanos, g.packNanos());
        addVector(g.gradients());
        return this;
    }

    /** Adds another partial sum; returns this. */
    public GradientSum merge(GradientSum other) {
        long t0 = System.nanoTime();
        for (int w = 0; w < present.length; w++) {
            if (other.present[w]) {
                if (present[w]) {
                    throw new IllegalStateException("worker " + w + "'s gradients were added twice");
                }
                present[w] = true;
                lossByWorker[w] = other.lossByWorker[w];
            }
        }
        tokens += other.tokens;
        fetchNanos = Math.max(fetchNanos, other.fetchNanos);
        computeNanos = Math.max(computeNanos, other.computeNanos);
        packNanos = Math.max(packNanos, other.packNanos);
        if (other.single != null) {
            addVector(other.single);
        } else if (other.total != null) {
            double[] sum = ensureTotal(other.total.length);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += other.total[i];
            }
        }
        mergeNanos += other.mergeNanos + System.nanoTime() - t0;
        return this;
    }

    private void addVector(byte[] v) {
        if (single == null && total == null) {
            single = v;                               // one worker's result: sent on as it is
            return;
        }
        if (present.length == 2 && single != null) {
            addInPlace(v);                            // a + b == b + a in float32: no order to fix
            return;
        }
        FloatBuffer floats = floats(v);
        double[] sum = ensureTotal(floats.remaining());
        for (int i = 0; i < sum.length; i++) {
            sum[i] += floats.get(i);
        }
    }

    /** {@code single += v}, element by element in float32. */
    private void addInPlace(byte[] v) {
        if (v.length != single.length) {
            throw new IllegalStateException("gradient vectors of " + single.length / Float.BYTES + " and "
                    + v.length / Float.BYTES + " values: the workers' model replicas differ");
        }
        FloatBuffer sum = floats(single);
        FloatBuffer add = floats(v);
        for (int i = 0; i < sum.limit(); i++) {
            sum.put(i, sum.get(i) + add.get(i));
        }
    }

    private double[] ensureTotal(int length) {
        int have = total != null ? total.length : single.length / Float.BYTES;
        if (have != length) {
            throw new IllegalStateException("gradient vectors of " + have + " and " + length
                    + " values: the workers' model replicas differ");
        }
        if (total == null) {
            FloatBuffer first = floats(single);
            total = new double[length];
            for (int i = 0; i < length; i++) {
                total[i] = first.get(i);
            }
            single = null;
        }
        return total;
    }

    /** float32 values in the platform's byte order, as {@link ParameterVector} writes them. */
    private static FloatBuffer floats(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Whether every worker's result is in the sum. */
    public boolean complete() {
        for (boolean p : present) {
            if (!p) {
                return false;
            }
        }
        return true;
    }

    /** The summed gradients, float32 in the platform's byte order. */
    public byte[] gradients() {
        if (single != null) {
            return single;
        }
        if (total == null) {
            throw new IllegalStateException("no gradients were added");
        }
        byte[] out = new byte[total.length * Float.BYTES];
        FloatBuffer floats = floats(out);
        for (int i = 0; i < total.length; i++) {
            floats.put(i, (float) total[i]);
        }
        return out;
    }

    /** The step loss: the workers' shares added in worker order. */
    public double loss() {
        double sum = 0;
        for (double l : lossByWorker) {
            sum += l;
        }
        return sum;
    }

    public long tokens() {
        return tokens;
    }

    /** The slowest worker's parameter fetch. */
    public long fetchNanos() {
        return fetchNanos;
    }

    /** The slowest worker's forward and backward. */
    public long computeNanos() {
        return computeNanos;
    }

    /** The slowest worker's copy of its gradients out of the replica. */
    public long packNanos() {
        return packNanos;
    }

    /** Time spent merging partial sums. */
    public long mergeNanos() {
        return mergeNanos;
    }

    /** The seqOp of {@code treeAggregate}: a worker's result into a partial sum. */
    static final class Add implements Function2<GradientSum, WorkerGradients, GradientSum> {
        private static final long serialVersionUID = 1L;

        @Override
        public GradientSum call(GradientSum sum, WorkerGradients g) {
            return sum.add(g);
        }
    }

    /** The combOp of {@code treeAggregate}: two partial sums into one. */
    static final class Merge implements Function2<GradientSum, GradientSum, GradientSum> {
        private static final long serialVersionUID = 1L;

        @Override
        public GradientSum call(GradientSum a, GradientSum b) {
            return a.merge(b);
        }
    }

    @Override
    public String toString() {
        return "GradientSum" + Arrays.toString(present);
    }
}
