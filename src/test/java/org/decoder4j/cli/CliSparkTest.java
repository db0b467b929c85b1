package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** train --spark-workers / --spark-master, with --resume after the driver stopped. */
class CliSparkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path data;

    @BeforeAll
    static void prepare() throws Exception {
        data = Cli.preparedPlay(dir);
    }

    private static Object[] train(Object... more) {
        List<Object> all = new ArrayList<>(List.of("train", "--data", data, "--layers", 1, "--heads", 2, "--embd", 16,
                "--context", 16, "--batch-size", 4, "--lr", "1e-2", "--warmup-steps", 2, "--eval-every", 0,
                "--sample-tokens", 0, "--decay-steps", 8));
        all.addAll(List.of(more));
        return all.toArray();
    }

    private static List<Double> losses(Path log) throws Exception {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            JsonNode node = JSON.readTree(line);
            if (node.has("loss")) {
                losses.add(node.get("loss").asDouble());
            }
        }
        return losses;
    }

    @Test
    void sparkWorkersFollowOneProcessAndAStoppedDriverResumesFromItsCheckpoint() throws Exception {
        Path one = dir.resolve("one");
        Cli.Result single = Cli.run(train("--out", one, "--steps", 6, "--log", one.resolve("log.jsonl")));
        assertEquals(0, single.exit(), single::toString);

        // the driver stops after step 4 (its checkpoint written at 4), then a new driver resumes to step 6
        Path spark = dir.resolve("spark");
        Cli.Result first = Cli.run(train("--out", spark, "--steps", 4, "--checkpoint-every", 2, "--spark-workers", 2,
                "--log", spark.resolve("log.jsonl")));
        assertEquals(0, first.exit(), first::toString);
        Cli.Result resumed = Cli.run(train("--out", spark, "--steps", 6, "--checkpoint-every", 2, "--resume",
                "--spark-master", "local[2]", "--log", spark.resolve("log.jsonl")));
        assertEquals(0, resumed.exit(), resumed::toString);
        assertTrue(resumed.out().contains("trained 6 steps"), resumed::toString);

        List<Double> expected = losses(one.resolve("log.jsonl"));
        List<Double> actual = losses(spark.resolve("log.jsonl"));
        assertEquals(6, actual.size(), "4 lines, then 2 appended by the resumed run");
        for (int k = 0; k < 6; k++) {
            assertEquals(expected.get(k), actual.get(k), 1e-5 * expected.get(k), "loss of step " + k);
        }
    }

    @Test
    void sparkMasterAloneIsLocalWithAWorkerPerProcessor() {
        TrainCommand train = new TrainCommand();
        new CommandLine(train).parseArgs("--out", "x", "--spark-master", "--batch-size", "4");
        assertEquals("local[*]", train.sparkFlags.master());
        assertEquals(Runtime.getRuntime().availableProcessors(), train.sparkFlags.workers());
        TrainCommand three = new TrainCommand();
        new CommandLine(three).parseArgs("--out", "x", "--spark-master", "local[3]");
        assertEquals(3, three.sparkFlags.workers());
    }

    @Test
    void badSparkFlagsAreUsageErrors() {
        Cli.Result uneven = Cli.run(train("--out", dir.resolve("x"), "--spark-workers", 3));
        assertEquals(2, uneven.exit(), uneven::toString);
        assertTrue(uneven.err().contains("--batch-size 4 is not divisible by 3 Spark workers"), uneven::toString);
        Cli.Result cluster = Cli.run(train("--out", dir.resolve("x"), "--spark-master", "spark://127.0.0.1:7077"));
        assertEquals(2, cluster.exit(), cluster::toString);
        assertTrue(cluster.err().contains("--spark-master spark://127.0.0.1:7077 needs --spark-workers N"),
                cluster::toString);
        Cli.Result zero = Cli.run(train("--out", dir.resolve("x"), "--spark-workers", 0));
        assertEquals(2, zero.exit(), zero::toString);
        assertTrue(zero.err().contains("--spark-workers must be positive, got 0"), zero::toString);
        assertFalse(Files.exists(dir.resolve("x")), "nothing written on a usage error");
    }
}
