package org.decoder4j.distributed;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.tensor.Autocast;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.train.LocalGradients;

/**
 * The task a Spark executor runs for one worker in one step: load the step's parameters into a
 * model replica, read the worker's windows from the token file, forward and backward each of its
 * micro-batches, and send back the gradients. A pure function of the broadcast parameters and the
 * shard, so Spark may run it again anywhere (after a lost executor) and get the same numbers.
 *
 * <p>The worker's loss in micro-batch m is its mean token loss weighted by
 * {@code rows(worker, m) / rows(m) / k}: these shares add up, over the workers, to the mean over
 * the micro-batch divided by k, the loss one process computes — and so do their gradients.
 */
final class ReplicaStep implements Function<WorkerShard, WorkerGradients> {

    private static final long serialVersionUID = 1L;

    private final GPTConfig config;
    private final Broadcast<byte[]> parameters;
    private final String dataLocation;
    private final long dataTokens;
    private final int contextLength;
    private final Precision precision;
    private final long dropoutSeed;
    private final double lossScale;

    /**
     * @param config        shape of the model
     * @param parameters    the step's parameter vector ({@link ParameterVector} order)
     * @param dataLocation  the token file, as every executor sees it
     * @param dataTokens    its size on the driver, checked on the executor
     * @param contextLength tokens per window
     * @param precision     the run's precision policy
     * @param dropoutSeed   the step's dropout seed (each worker derives its own from it)
     * @param lossScale     the loss scaler's factor (1 without one)
     */
    ReplicaStep(GPTConfig config, Broadcast<byte[]> parameters, String dataLocation, long dataTokens,
                int contextLength, Precision precision, long dropoutSeed, double lossScale) {
        this.config = config;
        this.parameters = parameters;
        this.dataLocation = dataLocation;
        this.dataTokens = dataTokens;
        this.contextLength = contextLength;
        this.precision = precision;
        this.dropoutSeed = dropoutSeed;
        this.lossScale = lossScale;
    }

    @Override
    public WorkerGradients call(WorkerShard shard) {
        long t0 = System.nanoTime();
        TokenDataset data = TokenFileLocation.open(dataLocation, dataTokens);
        GPT replica = ReplicaPool.borrow(config);
        try {
            ParameterVector vector = ParameterVector.of(replica);
            vector.loadValues(parameters.value());
            replica.zeroGrad();
            replica.train(true);
            replica.reseedDropout(workerSeed(dropoutSeed, shard.worker()));
            long t1 = System.nanoTime();
            double loss = 0;
            long tokens = 0;
            int k = shard.starts().length;
            try (MemoryScope scope = MemoryScope.open();
                 Autocast autocast = precision.autocast(replica.parameters())) {
                for (int m = 0; m < k; m++) {
                    long[] starts = shard.starts()[m];
                    if (starts.length == 0) {
                        continue;
                    }
                    double weight = (double) starts.length / shard.batchRows()[m] / k;
                    try (Batch batch = Batch.ofWindows(data, starts, contextLength)) {
                        loss += LocalGradients.backward(replica, batch, weight, lossScale) * weight;
                        tokens += (long) batch.batchSize() * batch.contextLength();
                    }
                }
            }
            long t2 = System.nanoTime();
            byte[] gradients = vector.gradients();
            long t3 = System.nanoTime();
            return new WorkerGradients(shard.worker(), gradients, loss, tokens, t1 - t0, t2 - t1, t3 - t2);
        } finally {
            ReplicaPool.release(config, replica);
        }
    }

    /** Worker w's dropout seed in a step: distinct per worker, a function of the step's seed and w only. */
    static long workerSeed(long stepSeed, int worker) {
        long z = stepSeed + 0x9E3779B97F4A7C15L * (worker + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
