package org.decoder4j.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.decoder4j.distributed.SparkDataParallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The flags of data-parallel training on Apache Spark, shared by {@code train} and
 * {@code bench}: {@code --spark-master}, {@code --spark-workers}, {@code --spark-data}; and the
 * workers they start. Spark's classes are touched only when one of these flags is given.
 */
final class SparkFlags {

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:,\\s*\\d+)?])?");

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--spark-master", paramLabel = "URL", arity = "0..1", fallbackValue = "local[*]",
            description = "Train data-parallel on this Spark master: spark://HOST:7077 (a standalone cluster), yarn, "
                    + "k8s://..., or local[N] / local[*] (N workers in this JVM). The flag alone means local[*]; "
                    + "--spark-workers N alone means local[N].")
    String master;

    @Option(names = "--spark-workers", paramLabel = "N",
            description = "Tasks each batch is split into, each computing batch-size / N windows with its own model "
                    + "replica; the batch size must be a multiple of N. Default: the N of local[N], the "
                    + "processors for local[*]; required with a cluster master.")
    Integer workers;

    @Option(names = "--spark-data", paramLabel = "URI",
            description = "Where the executors read the training token file: a path every executor sees or a Hadoop "
                    + "file system URI (hdfs://..., s3a://...). Default: the --data training file's absolute path.")
    String data;

    /** Whether the run is data-parallel. */
    boolean requested() {
        return master != null || workers != null;
    }

    /** The master URL: the given one, or local[N] for --spark-workers N alone. */
    String master() {
        return master != null ? master : "local[" + workers + "]";
    }

    /**
     * The number of workers: --spark-workers, or what a local master implies.
     *
     * @throws picocli.CommandLine.ParameterException when a cluster master comes without --spark-workers
     */
    int workers() {
        if (workers != null) {
            Flags.positive(spec, "--spark-workers", workers);
            return workers;
        }
        Matcher local = LOCAL.matcher(master.trim());
        if (!local.matches()) {
            throw Flags.usage(spec, "--spark-master " + master + " needs --spark-workers N: the number of tasks each "
                    + "batch is split into (usually one per executor)");
        }
        String n = local.group(1);
        return n == null ? 1 : n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
    }

    /** Checks that a batch of {@code batchSize} windows splits evenly among the workers. */
    void checkBatch(String flag, int batchSize) {
        if (requested() && batchSize % workers() != 0) {
            throw Flags.usage(spec, flag + " " + batchSize + " is not divisible by " + workers() + " Spark workers: "
                    + "each worker computes " + flag + " / workers windows of every batch");
        }
    }

    /**
     * Starts the workers; the caller closes them.
     *
     * @throws IllegalStateException when Spark is not on the class path
     */
    SparkDataParallel start() {
        try {
            SparkDataParallel started = SparkDataParallel.connect(master(), workers());
            return data == null ? started : started.readingFrom(data);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("--spark-master and --spark-workers need Apache Spark on the class path, "
                    + "and this build has none (" + e.getMessage() + "): build the command line with "
                    + "'mvn -Pspark package', or run it with spark-submit (docs/distributed-training.md)", e);
        }
    }
}
