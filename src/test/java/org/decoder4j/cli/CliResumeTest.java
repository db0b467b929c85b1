package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

/** train --checkpoint-every, --resume, and the optimizer and schedule flags. */
class CliResumeTest {

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
                "--context", 16, "--batch-size", 4, "--lr", "1e-2", "--warmup-steps", 2, "--dropout", "0.1",
                "--eval-every", 4, "--sample-tokens", 0, "--decay-steps", 8));
        all.addAll(List.of(more));
        return all.toArray();
    }

    /** The step lines of a --log file (validation lines, which have "val_loss", left out). */
    private static List<JsonNode> log(Path file) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode node = JSON.readTree(line);
            if (node.has("loss")) {
                lines.add(node);
            }
        }
        return lines;
    }

    @Test
    void resumedRunContinuesTheLogWithTheSameLosses() throws Exception {
        Path full = dir.resolve("full");
        Cli.Result a = Cli.run(train("--out", full, "--steps", 8, "--checkpoint-every", 3, "--log",
                full.resolve("log.jsonl")));
        assertEquals(0, a.exit(), a::toString);
        assertTrue(Files.isDirectory(full.resolve("checkpoints/step-3")));
        assertTrue(Files.isDirectory(full.resolve("checkpoints/step-6")));
        assertTrue(Files.isRegularFile(full.resolve("checkpoints/step-6/tokenizer.json")),
                "a checkpoint is a complete model directory");

        // a second run stopped at step 6 (its own copy of the checkpoints), then resumed to 8
        Path part = dir.resolve("part");
        Cli.Result b = Cli.run(train("--out", part, "--steps", 6, "--checkpoint-every", 3, "--log",
                part.resolve("log.jsonl")));
        assertEquals(0, b.exit(), b::toString);
        Cli.Result c = Cli.run(train("--out", part, "--steps", 8, "--checkpoint-every", 3, "--resume", "--log",
                part.resolve("log.jsonl")));
        assertEquals(0, c.exit(), c::toString);
        assertTrue(c.out().contains("trained 8 steps"), c::toString);

        List<JsonNode> expected = log(full.resolve("log.jsonl"));
        List<JsonNode> resumed = log(part.resolve("log.jsonl"));
        assertEquals(8, resumed.size(), "6 lines, then 2 appended by the resumed run");
        for (int k = 0; k < 8; k++) {
            assertEquals(k, resumed.get(k).get("step").asInt());
            assertEquals(expected.get(k).get("loss").asDouble(), resumed.get(k).get("loss").asDouble(), 0.0,
                    "loss of step " + k);
            assertEquals(expected.get(k).get("lr").asDouble(), resumed.get(k).get("lr").asDouble(), 0.0);
        }
    }

    @Test
    void resumeWithoutCheckpointsIsAClearError() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Cli.Result r = Cli.run(train("--out", empty, "--steps", 2, "--resume"));
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains("--resume") && r.err().contains("checkpoint"), r::toString);
        assertFalse(Files.exists(empty.resolve("model.safetensors")), "nothing written");
    }

    @Test
    void sgdWithStepScheduleAndInfinityNormClipping() throws Exception {
        Path out = dir.resolve("sgd");
        Cli.Result r = Cli.run(train("--out", out, "--steps", 6, "--optimizer", "sgd", "--momentum", "0.9",
                "--nesterov", "--schedule", "step", "--step-size", 2, "--gamma", "0.5", "--clip-norm-type", "inf",
                "--log", out.resolve("log.jsonl")));
        assertEquals(0, r.exit(), r::toString);
        double[] expected = {0, 0.005, 0.01, 0.01, 0.005, 0.005};        // warmup 2 (0, 1/2), then x0.5 every 2
        List<JsonNode> lines = log(out.resolve("log.jsonl"));
        for (int k = 0; k < 6; k++) {
            assertEquals(expected[k], lines.get(k).get("lr").asDouble(), 1e-15, "lr of step " + k);
        }
    }

    @Test
    void trainsInMixedPrecision() throws Exception {
        Path out = dir.resolve("fp16");
        Cli.Result r = Cli.run(train("--out", out, "--steps", 4, "--precision", "fp16", "--log",
                out.resolve("log.jsonl")));
        assertEquals(0, r.exit(), r::toString);
        assertEquals(4, log(out.resolve("log.jsonl")).size());
        Cli.Result bf16 = Cli.run(train("--out", dir.resolve("bf16"), "--steps", 2, "--precision", "bf16"));
        assertEquals(0, bf16.exit(), bf16::toString);
    }

    @Test
    void badToolkitFlagsAreUsageErrors() {
        Cli.Result nesterov = Cli.run(train("--out", dir.resolve("x"), "--optimizer", "sgd", "--nesterov"));
        assertEquals(2, nesterov.exit(), nesterov::toString);
        assertTrue(nesterov.err().contains("--nesterov needs --momentum"), nesterov::toString);
        Cli.Result multistep = Cli.run(train("--out", dir.resolve("x"), "--schedule", "multistep"));
        assertTrue(multistep.err().contains("--milestones"), multistep::toString);
        Cli.Result norm = Cli.run(train("--out", dir.resolve("x"), "--clip-norm-type", "two"));
        assertTrue(norm.err().contains("--clip-norm-type"), norm::toString);
        Cli.Result both = Cli.run(train("--out", dir.resolve("x"), "--resume", "--init", dir.resolve("full")));
        assertTrue(both.err().contains("exclude each other"), both::toString);
        Cli.Result precision = Cli.run(train("--out", dir.resolve("x"), "--precision", "fp8"));
        assertEquals(2, precision.exit());
        assertTrue(precision.err().contains("unknown precision 'fp8'"), precision::toString);
        Cli.Result unscaled = Cli.run(train("--out", dir.resolve("x"), "--precision", "fp16", "--loss-scale", "off"));
        assertTrue(unscaled.err().contains("needs --loss-scale dynamic"), unscaled::toString);
        assertFalse(Files.exists(dir.resolve("x")), "nothing written on a usage error");
    }
}
