package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.train.StepResult;
import org.decoder4j.train.TrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training on a real Spark standalone cluster: a master and two one-core workers as
 * separate JVMs on the loopback interface, each worker's executor a JVM of its own. The same
 * 20 steps as one process with batch 8; then the same again with one worker killed mid-run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneClusterTest {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterTest.class);
    private static final Path DIR = Path.of("target/standalone-cluster");
    private static final int STEPS = 20;

    private static PreparedCorpus corpus;
    private static TokenDataset train;
    private static List<Double> single;
    private static StandaloneCluster cluster;
    private static SparkDataParallel workers;
    private static final List<String> failedTasks = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        deleteTree(DIR);
        corpus = ShakespeareRecipe.prepare(DIR.resolve("data"));
        train = TokenDataset.open(corpus.trainFile());
        single = ShakespeareRecipe.singleProcess(train, corpus.vocabSize(), 8, STEPS);
        cluster = StandaloneCluster.start(2, DIR);
        SparkConf conf = SparkDataParallel.defaultConf(cluster.masterUrl())
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.ui.enabled", "false")
                .set("spark.executor.extraClassPath", cluster.classPath())
                .set("spark.executor.memory", "768m")
                .set("spark.executor.cores", "1")
                .set("spark.cores.max", "2");
        workers = SparkDataParallel.create(conf, 2);
        awaitExecutors(2, 120);
        workers.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                if (end.reason() != Success$.MODULE$) {
                    failedTasks.add("task " + end.taskInfo().index() + " of stage " + end.stageId() + " on executor "
                            + end.taskInfo().executorId() + ": " + end.reason());
                }
            }
        });
    }

    @AfterAll
    static void stop() {
        try {
            if (workers != null) {
                workers.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    @Test
    @Order(1)
    void twoWorkerProcessesFollowOneProcessWithBatchEight() {
        List<Double> parallel = new ArrayList<>();
        GPT model = ShakespeareRecipe.model(corpus.vocabSize());
        ShakespeareRecipe.trainer(model, train, 8, STEPS).distributed(workers)
                .listener(ShakespeareRecipe.lossesInto(parallel)).fit();
        double worst = ShakespeareRecipe.assertSameLosses(single, parallel);
        LOG.info("standalone cluster, 2 workers, batch 8: largest relative loss difference from one process over "
                + "{} steps {}", STEPS, worst);
        assertEquals(3, executorCount() + 1, "both executors still there");
    }

    @Test
    @Order(2)
    void killingAWorkerMidRunLeavesTheLossesUnchanged() throws IOException {
        List<String> doomed = cluster.executorIds(1);
        assertFalse(doomed.isEmpty(), "worker 1 runs an executor");
        AtomicBoolean killed = new AtomicBoolean();
        List<Long> stepOfKill = new CopyOnWriteArrayList<>();
        List<Long> completed = new CopyOnWriteArrayList<>();
        // kill worker 1 as soon as one of step 6's tasks starts on its executor, so the task dies with it
        workers.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                if (completed.size() >= 6 && doomed.contains(start.taskInfo().executorId())
                        && killed.compareAndSet(false, true)) {
                    stepOfKill.add((long) completed.size());
                    cluster.killWorker(1);
                }
            }
        });
        List<Double> parallel = new ArrayList<>();
        GPT model = ShakespeareRecipe.model(corpus.vocabSize());
        int failedBefore = failedTasks.size();
        ShakespeareRecipe.trainer(model, train, 8, STEPS).distributed(workers)
                .listener(ShakespeareRecipe.lossesInto(parallel))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        completed.add(s.step());
                    }
                }).fit();
        assertTrue(killed.get(), "worker 1 was killed during the run");
        double worst = ShakespeareRecipe.assertSameLosses(single, parallel);
        List<String> lost = failedTasks.subList(failedBefore, failedTasks.size());
        LOG.info("worker 1 (executor {}) killed during step {}; {} task(s) failed and were run again: {}; final loss "
                + "{} (one process: {}), largest relative difference {}", doomed, stepOfKill, lost.size(), lost,
                parallel.get(STEPS - 1), single.get(STEPS - 1), worst);
        assertEquals(single.get(STEPS - 1), parallel.get(STEPS - 1),
                ShakespeareRecipe.TOLERANCE * single.get(STEPS - 1), "final loss");
        assertEquals(1, executorCount(), "the run finished on the surviving executor");
    }

    /** Registered executors, the driver not counted. */
    private static int executorCount() {
        return workers.sparkContext().statusTracker().getExecutorInfos().length - 1;
    }

    private static void awaitExecutors(int n, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (executorCount() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(executorCount() + " of " + n + " executors registered within "
                        + seconds + " s; see the logs in " + DIR);
            }
            Thread.sleep(200);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
