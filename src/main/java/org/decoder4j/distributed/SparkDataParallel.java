package org.decoder4j.distributed;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.data.batch.WindowSource;
import org.decoder4j.nn.GPT;
import org.decoder4j.train.GradientComputation;
import org.decoder4j.train.GradientStep;
import org.decoder4j.train.StepLoss;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous data-parallel training on Apache Spark: each step the driver broadcasts the
 * parameters and the step's window offsets, N Spark tasks each compute the gradients of their
 * share of the global batch with their own model replica, Spark's tree aggregation adds the
 * gradients up, and the {@link org.decoder4j.train.Trainer} applies one optimizer step as usual.
 * N workers with global batch B follow the trajectory of one process with batch B.
 *
 * <pre>{@code
 * try (SparkDataParallel workers = SparkDataParallel.local(2)) {         // or connect("spark://host:7077", 8)
 *     TrainingReport report = Trainer.forModel(model)
 *             .data(train, val)
 *             .batchSize(8)                                              // global: 4 windows per worker
 *             .steps(2000)
 *             .distributed(workers)
 *             .fit();
 * }
 * }</pre>
 *
 * <p>Workers read their windows from the training token file themselves: by default the file the
 * driver's training data was opened from (every executor must see that path), or the location
 * given to {@link #readingFrom} (any Hadoop file system URI). Worker w takes rows
 * {@code [w·B/N, (w+1)·B/N)} of each batch the sampler draws, so every window is used exactly as
 * in a single-process run with the same seed.
 *
 * <p>Tasks are pure functions of the broadcast parameters and their windows: when an executor is
 * lost, Spark runs its task again on another one and the step's numbers do not change. The
 * driver's state is the trainer's, checkpointed by it; a lost driver resumes from its last
 * checkpoint with {@link org.decoder4j.train.Trainer#resumeFrom}.
 */
public final class SparkDataParallel implements GradientComputation, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SparkDataParallel.class);
    private static final int KEPT_TIMINGS = 10_000;

    private final JavaSparkContext spark;
    private final boolean ownsContext;
    private final int workers;
    private String dataLocation;
    private Duration executorTimeout = Duration.ofMinutes(2);
    private final Deque<StepTiming> timings = new ArrayDeque<>();

    private GPT model;
    private ParameterVector vector;
    private WindowSource windows;
    private Precision precision;
    private String location;

    private SparkDataParallel(SparkContext context, boolean ownsContext, int workers) {
        this.spark = JavaSparkContext.fromSparkContext(context);
        this.ownsContext = ownsContext;
        this.workers = workers;
    }

    /**
     * {@code workers} workers in this JVM ({@code local[workers]}); a Spark context of its own, stopped on close.
     *
     * @param workers N, the tasks each step is split into
     * @return the workers, to be closed after training
     */
    public static SparkDataParallel local(int workers) {
        checkWorkers(workers);
        return connect("local[" + workers + "]", workers);
    }

    /**
     * {@code workers} workers on the cluster at {@code master} ({@code spark://host:7077},
     * {@code yarn}, {@code k8s://…}, or {@code local[N]}), with {@link #defaultConf}; stopped on close.
     *
     * @param master the Spark master URL
     * @param workers N, the tasks each step is split into
     * @return the workers, to be closed after training
     */
    public static SparkDataParallel connect(String master, int workers) {
        checkWorkers(workers);
        return create(defaultConf(master), workers);
    }

    /**
     * {@code workers} workers in a new Spark context made from {@code conf}; stopped on close.
     *
     * @param conf the Spark settings, master included
     * @param workers N, the tasks each step is split into
     * @return the workers, to be closed after training
     */
    public static SparkDataParallel create(SparkConf conf, int workers) {
        checkWorkers(workers);
        String master = conf.get("spark.master", "(none)");
        checkReachable(master);
        SparkContext context;
        try {
            context = new SparkContext(conf);
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot start Spark with master '" + master + "': " + e.getMessage(), e);
        }
        return new SparkDataParallel(context, true, workers);
    }

    /**
     * A standalone master ({@code spark://host:port[,host:port…]}) must accept connections: Spark
     * itself would retry for a minute before it gives up.
     */
    private static void checkReachable(String master) {
        if (!master.startsWith("spark://")) {
            return;
        }
        String reasons = "";
        for (String address : master.substring("spark://".length()).split(",")) {
            int colon = address.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the master URL " + master + " lacks a port: spark://HOST:PORT");
            }
            String host = address.substring(0, colon);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(colon + 1))), 10_000);
                return;                                          // one live master of a high-availability list is enough
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the master URL " + master + " has a port that is not a number");
            } catch (IOException e) {
                reasons += (reasons.isEmpty() ? "" : "; ") + address + ": " + e.getMessage();
            }
        }
        throw new IllegalArgumentException("cannot reach the Spark master " + master + " (" + reasons
                + "): is it running, and is this the host and port it listens on?");
    }

    /**
     * {@code workers} workers in an existing Spark context (a SparkSession's {@code sparkContext()}), left running on close.
     *
     * @param context a running Spark context
     * @param workers N, the tasks each step is split into
     * @return the workers
     */
    public static SparkDataParallel on(SparkContext context, int workers) {
        checkWorkers(workers);
        return new SparkDataParallel(Objects.requireNonNull(context, "context"), false, workers);
    }

    /**
     * The settings {@link #connect} starts from: application name {@code decoder4j}; broadcasts not
     * compressed (float32 weights hardly compress, and compressing costs CPU every step); no console
     * progress bar. A local master also gets no web UI and a driver on the loopback address.
     *
     * @param master the Spark master URL
     * @return the settings, to adjust before {@link #create}
     */
    public static SparkConf defaultConf(String master) {
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName("decoder4j")
                .set("spark.broadcast.compress", "false")
                .set("spark.ui.showConsoleProgress", "false");
        if (master.startsWith("local")) {
            conf.set("spark.ui.enabled", "false")
                    .set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1");
        }
        return conf;
    }

    private static void checkWorkers(int workers) {
        if (workers <= 0) {
            throw new IllegalArgumentException("workers must be positive, got " + workers);
        }
    }

    /**
     * Where the executors read the training token file: a path every executor sees, or a Hadoop
     * file system URI ({@code hdfs://…}, {@code s3a://…}). Default: the path the driver's training
     * data was opened from.
     *
     * @param tokenFile a path or Hadoop URI of the training token file
     * @return this object
     */
    public SparkDataParallel readingFrom(String tokenFile) {
        this.dataLocation = Objects.requireNonNull(tokenFile, "tokenFile");
        return this;
    }

    /**
     * How long {@link #start} waits for a cluster's first executor (default 2 minutes).
     *
     * @param timeout the longest wait
     * @return this object
     */
    public SparkDataParallel executorTimeout(Duration timeout) {
        this.executorTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /**
     * N, the tasks each step is split into.
     *
     * @return the worker count
     */
    public int workers() {
        return workers;
    }

    /**
     * The Spark context the steps run in.
     *
     * @return the context
     */
    public SparkContext sparkContext() {
        return spark.sc();
    }

    /**
     * The time breakdown of the steps so far (the latest {@value #KEPT_TIMINGS}), oldest first.
     *
     * @return the timings, oldest first
     */
    public synchronized List<StepTiming> timings() {
        return new ArrayList<>(timings);
    }

    @Override
    public void start(GPT trained, BatchSampler sampler, Precision policy) {
        if (!(sampler instanceof WindowSource source)) {
            throw new IllegalArgumentException("distributed training sends window offsets to the workers, which read "
                    + "the windows from the token file; the batches of a custom sampler (Trainer.batches) cannot be "
                    + "distributed");
        }
        if (source.batchSize() % workers != 0) {
            throw new IllegalArgumentException("batch size " + source.batchSize() + " is not divisible by " + workers
                    + " workers: each worker computes batchSize / workers windows of every batch; use a multiple of "
                    + workers);
        }
        this.vector = ParameterVector.of(trained);
        this.model = trained;
        this.windows = source;
        this.precision = policy;
        this.location = dataLocation != null ? dataLocation : localFile(source);
        awaitExecutors();
        LOG.info("data-parallel on Spark {}: {} workers x {} windows per batch, {} parameters exchanged per step, "
                + "tokens from {}", spark.master(), workers, source.batchSize() / workers, vector.length(), location);
    }

    /** The absolute path of the driver's training file, which executors must see at the same path. */
    private static String localFile(WindowSource source) {
        Path file = Path.of(source.data().source());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("the training tokens (" + source.data().source() + ") are not a file: "
                    + "workers read the token file by path; open the data with TokenDataset.open(path), or tell "
                    + "the workers where it is with readingFrom(location)");
        }
        return file.toAbsolutePath().toString();
    }

    /** On a cluster, waits until an executor has registered, or fails naming the master. */
    private void awaitExecutors() {
        if (spark.isLocal()) {
            return;
        }
        long deadline = System.nanoTime() + executorTimeout.toNanos();
        while (spark.sc().statusTracker().getExecutorInfos().length < 2) {     // the driver is listed too
            if (spark.sc().isStopped()) {
                throw new IllegalStateException("the Spark context stopped before any executor registered: is the "
                        + "master " + spark.master() + " reachable, and does it have free cores?");
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no executor registered with " + spark.master() + " within "
                        + executorTimeout.toSeconds() + " s: is the master reachable, and does it have free cores "
                        + "and memory for this application?");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Spark executors", e);
            }
        }
    }

    @Override
    public StepLoss accumulate(GradientStep step) {
        if (model == null) {
            throw new IllegalStateException("start(model, sampler, precision) was not called");
        }
        long t0 = System.nanoTime();
        long[][] microBatches = new long[step.accumulation()][];
        for (int m = 0; m < microBatches.length; m++) {
            microBatches[m] = windows.nextStarts();
        }
        List<WorkerShard> shards = WorkerShard.split(microBatches, workers);
        Broadcast<byte[]> parameters = spark.broadcast(vector.values());
        long t1 = System.nanoTime();
        try {
            spark.setJobDescription("decoder4j step " + step.step());
            ReplicaStep task = new ReplicaStep(model.config(), parameters, location, windows.data().size(),
                    windows.contextLength(), precision, step.dropoutSeed(), step.lossScale());
            GradientSum sum = spark.parallelize(shards, workers)
                    .map(task)
                    .treeAggregate(new GradientSum(workers), new GradientSum.Add(), new GradientSum.Merge(), 2);
            if (!sum.complete()) {
                throw new IllegalStateException("step " + step.step() + ": gradients of " + sum + " workers only");
            }
            long t2 = System.nanoTime();
            vector.loadGradients(sum.gradients());
            long t3 = System.nanoTime();
            record(new StepTiming(step.step(), workers, vector.length(), millis(t3 - t0), millis(t1 - t0),
                    millis(sum.fetchNanos()), millis(sum.computeNanos()), millis(sum.packNanos()),
                    millis(sum.mergeNanos()), millis(t3 - t2)));
            return new StepLoss(sum.loss(), sum.tokens());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Spark's checked exceptions (a job aborted after its retries) reach Java undeclared
            throw new IllegalStateException("step " + step.step() + " failed on the Spark workers: " + e.getMessage(), e);
        } finally {
            parameters.destroy();
        }
    }

    private synchronized void record(StepTiming t) {
        if (timings.size() == KEPT_TIMINGS) {
            timings.removeFirst();
        }
        timings.addLast(t);
        LOG.debug("step {}: {} ms = compute {} + exchange {} + overhead {}", t.step(), t.totalMillis(),
                t.computeMillis(), t.exchangeMillis(), t.overheadMillis());
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** Stops the Spark context if this object started it, and drops this JVM's idle model replicas. */
    @Override
    public void close() {
        if (ownsContext) {
            spark.stop();
        }
        if (spark.isLocal()) {
            ReplicaPool.clear();
        }
    }
}
