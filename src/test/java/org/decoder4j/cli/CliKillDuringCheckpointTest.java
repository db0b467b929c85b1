package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.decoder4j.nn.GPT;
import org.decoder4j.train.TrainingCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a training process while it writes checkpoints: the latest checkpoint left
 * is complete and loads, and {@code --resume} removes the staging directories and continues.
 */
class CliKillDuringCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void aKilledRunLeavesALoadableCheckpointAndResumes() throws Exception {
        Path data = Cli.preparedPlay(dir);
        Path out = dir.resolve("run");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.decoder4j.cli.Main",
                "train", "--data", data.toString(), "--out", out.toString(), "--steps", "100000",
                "--checkpoint-every", "1", "--keep-checkpoints", "2", "--eval-every", "0", "--sample-tokens", "0",
                "--layers", "1", "--embd", "16", "--heads", "2", "--context", "16", "--batch-size", "2"));
        Process training = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("train.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (TrainingCheckpoint.latest(out.resolve("checkpoints")).map(p -> !p.endsWith("step-1"))
                    .orElse(false) == Boolean.FALSE) {
                assertTrue(training.isAlive(), () -> "training ended early: " + log());
                assertTrue(System.nanoTime() < deadline, "no checkpoint within 60 s: " + log());
                Thread.sleep(20);
            }
            Thread.sleep(137);                                  // somewhere inside the next writes
        } finally {
            training.destroyForcibly();                         // SIGKILL: no shutdown hooks, no cleanup
            training.waitFor(30, TimeUnit.SECONDS);
        }

        Optional<Path> latest = TrainingCheckpoint.latest(out.resolve("checkpoints"));
        assertTrue(latest.isPresent());
        TrainingCheckpoint saved = TrainingCheckpoint.read(latest.get());
        GPT.load(latest.get());                                 // complete: config, weights, state
        long step = saved.state().step();

        Files.createDirectories(out.resolve("checkpoints/.step-" + (step + 1) + ".killed"));   // as a kill mid-write leaves
        Cli.Result resumed = Cli.run("train", "--data", data, "--out", out, "--steps", step + 2,
                "--checkpoint-every", 1, "--keep-checkpoints", 2, "--eval-every", 0, "--sample-tokens", 0,
                "--layers", 1, "--embd", 16, "--heads", 2, "--context", 16, "--batch-size", 2, "--resume");
        assertEquals(0, resumed.exit(), resumed::toString);
        try (Stream<Path> left = Files.list(out.resolve("checkpoints"))) {
            List<String> names = left.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith(".")), "staging removed: " + names);
            assertTrue(names.contains("step-" + (step + 2)), names.toString());
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("train.log"));
        } catch (Exception e) {
            return e.toString();
        }
    }
}
