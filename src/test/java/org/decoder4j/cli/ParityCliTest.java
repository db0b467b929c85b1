package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against PyTorch: {@code eval} and a six-step {@code train --init} on the
 * fixture of tools/fixtures (section b), a model directory without a tokenizer.
 */
class ParityCliTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/parity-cli");
    private static final Path MODEL = FIXTURE.resolve("model");
    private static final Path TOKENS = FIXTURE.resolve("tokens.bin");
    private static final double RELATIVE = 1e-5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode expected;

    @TempDir
    Path dir;

    @BeforeAll
    static void readExpected() throws Exception {
        expected = JSON.readTree(FIXTURE.resolve("expected.json").toFile());
    }

    private static void close(double want, double got, String what) {
        assertEquals(want, got, Math.abs(want) * RELATIVE, what);
    }

    private static JsonNode eval(Path model) throws Exception {
        Cli.Result r = Cli.run("eval", "--model", model, "--data", TOKENS, "--context", 8, "--json");
        assertEquals(0, r.exit(), r::toString);
        return JSON.readTree(r.out());
    }

    private static void sameEval(JsonNode want, JsonNode got) {
        close(want.get("loss").asDouble(), got.get("loss").asDouble(), "loss");
        close(want.get("perplexity").asDouble(), got.get("perplexity").asDouble(), "perplexity");
        assertEquals(want.get("tokens").asLong(), got.get("tokens").asLong(), "tokens");
        long tokens = want.get("tokens").asLong();
        assertEquals(Math.round(want.get("accuracy").asDouble() * tokens), Math.round(got.get("accuracy").asDouble() * tokens),
                "correctly predicted tokens");
    }

    @Test
    void evalMatchesPyTorch() throws Exception {
        sameEval(expected.get("eval"), eval(MODEL));
    }

    @Test
    void trainMatchesPyTorchStepByStep() throws Exception {
        Path out = dir.resolve("out");
        Path log = dir.resolve("log.jsonl");
        JsonNode train = expected.get("train");
        Cli.Result r = Cli.run("train", "--init", MODEL, "--data", TOKENS, "--steps", 6, "--batch-size", 4,
                "--context", 8, "--sampling", "sequential", "--schedule", "constant", "--warmup-steps", 0,
                "--lr", "1e-3", "--weight-decay", "0.1", "--grad-clip", "1.0", "--log", log, "--out", out);
        assertEquals(0, r.exit(), r::toString);

        List<String> lines = Files.readAllLines(log);
        assertEquals(6, lines.size());
        for (int k = 0; k < 6; k++) {
            JsonNode step = JSON.readTree(lines.get(k));
            assertEquals(k, step.get("step").asInt());
            close(train.get("loss_f32").get(k).asDouble(), step.get("loss").asDouble(), "loss at step " + k);
            close(train.get("grad_norm_f32").get(k).asDouble(), step.get("grad_norm").asDouble(),
                    "grad_norm at step " + k);
            assertEquals(1e-3, step.get("lr").asDouble(), 1e-15, "constant rate");
        }

        // The saved weights are those after the six steps: eval agrees with PyTorch's.
        assertTrue(Files.isRegularFile(out.resolve("config.json")));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertFalse(Files.exists(out.resolve("tokenizer.json")), "no tokenizer known, none written");
        sameEval(train.get("eval_after_f32"), eval(out));
    }
}
