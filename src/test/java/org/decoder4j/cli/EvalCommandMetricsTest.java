package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code eval --stride --top-k --batch-mean} against PyTorch on the evaluation fixture of
 * tools/fixtures (section g), to 1e-5 relative; and their bad values.
 */
class EvalCommandMetricsTest {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/eval");
    private static final Path MODEL = FIXTURE.resolve("model");
    private static final Path TOKENS = FIXTURE.resolve("tokens.bin");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode sliding(int t, int s, int b) throws Exception {
        for (JsonNode c : JSON.readTree(FIXTURE.resolve("expected.json").toFile()).get("sliding")) {
            if (c.get("context").asInt() == t && c.get("stride").asInt() == s && c.get("batch_size").asInt() == b) {
                return c;
            }
        }
        throw new AssertionError("no sliding case T=" + t + " S=" + s + " B=" + b + " in the fixture");
    }

    @Test
    void slidingTopKAndBatchMeanMatchPyTorch() throws Exception {
        JsonNode want = sliding(16, 6, 4);
        Cli.Result r = Cli.run("eval", "--model", MODEL, "--data", TOKENS, "--stride", 6, "--batch-size", 4,
                "--top-k", 5, "--batch-mean", "--json");
        assertEquals(0, r.exit(), r::toString);
        JsonNode got = JSON.readTree(r.out());
        List<String> keys = new ArrayList<>();
        got.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("loss", "perplexity", "accuracy", "top5_accuracy", "perplexity_batch_mean", "tokens"), keys);
        for (String key : List.of("loss", "perplexity", "perplexity_batch_mean")) {
            double w = want.get(key).asDouble();
            assertEquals(w, got.get(key).asDouble(), 1e-5 * w, key);
        }
        assertEquals(want.get("top1_accuracy").asDouble(), got.get("accuracy").asDouble(), 1e-12, "accuracy");
        assertEquals(want.get("top5_accuracy").asDouble(), got.get("top5_accuracy").asDouble(), 1e-12, "top-5 accuracy");
        assertEquals(249, got.get("tokens").asLong());

        Cli.Result text = Cli.run("eval", "--model", MODEL, "--data", TOKENS, "--stride", 6, "--top-k", 5);
        assertEquals(0, text.exit(), text::toString);
        List<String> labels = text.out().lines().map(l -> l.split("\\s+")[0]).toList();
        assertEquals(List.of("loss", "perplexity", "accuracy", "top5_accuracy", "tokens"), labels);
    }

    private static void usageError(String expected, Object... flags) {
        List<Object> args = new ArrayList<>(List.of("eval", "--model", MODEL, "--data", TOKENS));
        args.addAll(List.of(flags));
        Cli.Result r = Cli.run(args.toArray());
        assertEquals(2, r.exit(), r::toString);
        assertTrue(r.err().contains(expected), r::toString);
    }

    @Test
    void badStrideAndTopK() {
        usageError("--stride must be positive, got 0", "--stride", 0);
        usageError("--stride 17 must be at most the context 16", "--stride", 17);
        usageError("--stride 9 must be at most the context 8", "--context", 8, "--stride", 9);
        usageError("--top-k must be positive, got 0", "--top-k", 0);
    }
}
