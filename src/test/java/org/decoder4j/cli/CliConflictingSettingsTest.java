package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings that contradict each other or the checkpoint are refused in one line. */
class CliConflictingSettingsTest {

    @TempDir
    static Path dir;

    static Path data;
    static Path run;

    private static final Object[] SMALL = {"--layers", 1, "--embd", 16, "--heads", 2, "--context", 16,
        "--batch-size", 2, "--eval-every", 0, "--sample-tokens", 0};

    private static Cli.Result train(Path out, Object... more) {
        List<Object> args = new ArrayList<>(List.of("train", "--data", data, "--out", out));
        args.addAll(List.of(SMALL));
        args.addAll(List.of(more));
        return Cli.run(args.toArray());
    }

    @BeforeAll
    static void firstRun() throws Exception {
        data = Cli.preparedPlay(dir);
        run = dir.resolve("run");
        Cli.Result r = train(run, "--steps", 10, "--checkpoint-every", 5);
        assertEquals(0, r.exit(), r::toString);
    }

    private static String oneLineFailure(int exit, Cli.Result r) {
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        return r.errLines().get(0);
    }

    @Test
    void epochsAndStepsExcludeEachOther() {
        String line = oneLineFailure(Main.USAGE, train(dir.resolve("e"), "--epochs", 1, "--steps", 5));
        assertTrue(line.contains("--epochs and --steps exclude each other"), line);
    }

    @Test
    void resumingToAStepAlreadyReachedIsRefused() {
        for (int steps : new int[] {5, 10}) {
            String line = oneLineFailure(1, train(run, "--resume", "--steps", steps));
            assertTrue(line.contains("is at step 10") && line.contains(steps + " steps in total")
                    && line.contains("nothing to train"), line);
        }
    }

    @Test
    void aNegativeStepInTheTrainerStateIsRefusedOnce() throws Exception {
        Path copy = dir.resolve("negative");
        copyTree(run.resolve("checkpoints/step-10"), copy);
        Path state = copy.resolve("trainer_state.json");
        Files.writeString(state, Files.readString(state).replaceFirst("\"step\" : 10", "\"step\" : -7"));
        String line = oneLineFailure(1, train(dir.resolve("neg-out"), "--resume", copy, "--steps", 20));
        assertTrue(line.contains("\"step\" is -7") && line.contains(state.toString()), line);
        assertEquals(1, line.split("is not a valid training state", -1).length - 1, "said once: " + line);
    }

    @Test
    void aCorruptTrainerStateIsReportedOnce() throws Exception {
        Path copy = dir.resolve("corrupt");
        copyTree(run.resolve("checkpoints/step-10"), copy);
        Files.writeString(copy.resolve("trainer_state.json"), "{\"format\": ");
        String line = oneLineFailure(1, train(dir.resolve("corrupt-out"), "--resume", copy, "--steps", 20));
        assertEquals(1, line.split("is not a valid training state", -1).length - 1, "said once: " + line);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
