package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An --out holding another run's checkpoints is never mixed with a fresh run's. */
class CliStaleOutputTest {

    @TempDir
    static Path dir;

    static Path data;

    private static final Object[] SMALL = {"--layers", 1, "--embd", 16, "--heads", 2, "--context", 16,
        "--batch-size", 2, "--eval-every", 5, "--sample-tokens", 0, "--checkpoint-every", 5, "--keep-checkpoints", 2};

    private static Cli.Result train(Path out, Object... more) {
        List<Object> args = new ArrayList<>(List.of("train", "--data", data, "--out", out));
        args.addAll(List.of(SMALL));
        args.addAll(List.of(more));
        return Cli.run(args.toArray());
    }

    @BeforeAll
    static void prepare() throws Exception {
        data = Cli.preparedPlay(dir);
    }

    private static List<String> checkpoints(Path out) throws Exception {
        try (Stream<Path> s = Files.list(out.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFreshRunIsRefusedUntilToldToOverwrite() throws Exception {
        Path out = dir.resolve("old-run");
        assertEquals(0, train(out, "--steps", 20).exit());
        assertEquals(List.of("step-15", "step-20"), checkpoints(out));
        byte[] best = Files.readAllBytes(out.resolve("best/model.safetensors"));

        Cli.Result refused = train(out, "--steps", 10);
        assertEquals(1, refused.exit(), refused::toString);
        assertEquals(1, refused.errLines().size(), refused::toString);
        assertTrue(refused.err().contains("another run's checkpoints") && refused.err().contains("--resume")
                && refused.err().contains("--overwrite") && refused.err().contains("step-20"), refused::toString);
        assertEquals(List.of("step-15", "step-20"), checkpoints(out), "nothing was touched");
        assertTrue(java.util.Arrays.equals(best, Files.readAllBytes(out.resolve("best/model.safetensors"))));

        Cli.Result fresh = train(out, "--steps", 10, "--overwrite");
        assertEquals(0, fresh.exit(), fresh::toString);
        assertEquals(List.of("step-10", "step-5"), checkpoints(out), "the fresh run's own checkpoints are kept");
    }

    @Test
    void resumeAndOverwriteExcludeEachOther() {
        Cli.Result r = train(dir.resolve("x"), "--resume", "--overwrite");
        assertEquals(Main.USAGE, r.exit(), r::toString);
    }

    @Test
    void stagingLeftByAKilledWriteIsRemovedAtTheNextStart() throws Exception {
        Path out = dir.resolve("killed");
        assertEquals(0, train(out, "--steps", 10).exit());
        Path staging = Files.createDirectories(out.resolve("checkpoints/.step-15.8172635"));
        Files.write(staging.resolve("model.safetensors"), new byte[1000]);
        Path bestStaging = Files.createDirectories(out.resolve(".best.5551212"));
        Path oldStaging = Files.createDirectories(out.resolve("checkpoints/.step-10.old.42"));
        Cli.Result resumed = train(out, "--steps", 15, "--resume");
        assertEquals(0, resumed.exit(), resumed::toString);
        assertFalse(Files.exists(staging));
        assertFalse(Files.exists(bestStaging));
        assertFalse(Files.exists(oldStaging));
        assertEquals(List.of("step-10", "step-15"), checkpoints(out));
    }
}
