package org.decoder4j.distributed;

/**
 * Where the wall time of one data-parallel step went, as {@link SparkDataParallel} measures it.
 *
 * <ul>
 *   <li><b>compute</b>: the slowest worker's forward and backward.</li>
 *   <li><b>exchange</b>: the measurable part of moving the model: reading the parameters out of the
 *       driver's model and broadcasting them, the slowest worker's fetch of them into its replica,
 *       the slowest worker's copy of its gradients out, merging the gradient vectors, and writing
 *       the sum into the driver's model.</li>
 *   <li><b>overhead</b>: the rest of the step: Spark's scheduling, serialising and shipping tasks
 *       and results (the gradient vectors' transfer is here, not measurable apart from it), and
 *       waiting for the slowest task to start.</li>
 * </ul>
 *
 * <pre>{@code
 * StepTiming t = workers.timings().get(5);
 * System.out.printf("compute %.0f ms, exchange %.0f ms, overhead %.0f ms%n",
 *         t.computeMillis(), t.exchangeMillis(), t.overheadMillis());
 * }</pre>
 *
 * @param step           0-based step index
 * @param workers        tasks the step was split into
 * @param parameters     values in the exchanged vectors
 * @param totalMillis    the whole gradient computation, as the driver sees it
 * @param broadcastMillis reading the parameter vector and creating its broadcast (driver)
 * @param fetchMillis    the slowest worker's read of the broadcast into its replica
 * @param computeMillis  the slowest worker's forward and backward
 * @param packMillis     the slowest worker's copy of its gradients into the vector it returns
 * @param mergeMillis    adding the workers' gradient vectors
 * @param applyMillis    writing the summed gradients into the driver's model
 */
public record StepTiming(long step, int workers, long parameters, double totalMillis, double broadcastMillis,
                         double fetchMillis, double computeMillis, double packMillis, double mergeMillis,
                         double applyMillis) {

    /**
     * The measured data movement: broadcast, fetch, pack, merge and apply.
     *
     * @return milliseconds of the step spent moving data
     */
    public double exchangeMillis() {
        return broadcastMillis + fetchMillis + packMillis + mergeMillis + applyMillis;
    }

    /**
     * What is neither compute nor measured exchange (never below 0).
     *
     * @return milliseconds not accounted for
     */
    public double overheadMillis() {
        return Math.max(0, totalMillis - computeMillis - exchangeMillis());
    }

    /**
     * Bytes a step moves per worker: the parameters down and the gradients up, float32 each.
     *
     * @return bytes per worker and step
     */
    public long bytesPerWorker() {
        return 2 * 4 * parameters;
    }
}
