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

/** The flag groups shared by the commands: one warmup for every schedule, typed choices, one shape. */
class CliFlagGroupsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path data;

    @BeforeAll
    static void prepare() throws Exception {
        data = Cli.preparedPlay(dir);
    }

    @Test
    void cosineHasTheSameLinearWarmupAsEveryOtherSchedule() throws Exception {
        Path out = dir.resolve("cosine");
        Cli.Result r = Cli.run("train", "--data", data, "--out", out, "--layers", 1, "--heads", 2, "--embd", 16,
                "--context", 16, "--batch-size", 2, "--steps", 6, "--lr", "1e-2", "--min-lr", "1e-3",
                "--warmup-steps", 4, "--decay-steps", 6, "--eval-every", 0, "--sample-tokens", 0,
                "--log", out.resolve("log.jsonl"));
        assertEquals(0, r.exit(), r::toString);
        // Hugging Face's warmup lr*k/4 for k < 4, then nanoGPT's cosine from 1e-2 at 4 to 1e-3 at 6
        double[] expected = {0, 0.0025, 0.005, 0.0075, 0.01, 1e-3 + 0.5 * (1 + Math.cos(Math.PI / 2)) * 9e-3};
        List<JsonNode> steps = Files.readAllLines(out.resolve("log.jsonl")).stream().map(CliFlagGroupsTest::json)
                .filter(n -> n.has("lr")).toList();
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], steps.get(k).get("lr").asDouble(), 1e-15, "lr of step " + k);
        }
    }

    @Test
    void customSamplingIsNotOffered() {
        Cli.Result r = Cli.run("train", "--data", data, "--out", dir.resolve("custom"), "--sampling", "custom");
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains("--sampling") && r.err().contains("random, sequential, shuffled"), r::toString);
        assertFalse(Files.exists(dir.resolve("custom")), "nothing written");
        Cli.Result help = Cli.run("train", "--help");
        assertFalse(help.out().contains("custom"), help::toString);
    }

    @Test
    void benchTakesTheShapeAndPrecisionFlagsOfTrain() throws Exception {
        Cli.Result r = Cli.run("bench", "--layers", 1, "--heads", 2, "--embd", 16, "--context", 8, "--batch-size", 2,
                "--steps", 2, "--warmup", 1, "--precision", "bf16", "--loss-scale", "off", "--json");
        assertEquals(0, r.exit(), r::toString);
        JsonNode o = JSON.readTree(r.out());
        assertEquals(65, o.get("vocab_size").asInt(), "the recipe's vocabulary by default");
        assertEquals(8, o.get("context").asInt());
        assertEquals("bf16", o.get("precision").asText());
        Cli.Result fp16 = Cli.run("bench", "--precision", "fp16", "--loss-scale", "off");
        assertEquals(2, fp16.exit(), fp16::toString);
        assertTrue(fp16.err().contains("needs --loss-scale dynamic"), fp16::toString);
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(line, e);
        }
    }
}
