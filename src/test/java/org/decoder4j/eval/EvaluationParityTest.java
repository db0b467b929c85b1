package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Perplexity (consecutive windows, sliding windows with a stride, mean of per-batch means) and
 * top-1 / top-5 accuracy against PyTorch, on the fixture written by
 * {@code tools/fixtures/make_eval_fixtures.py} (PyTorch 1.13.1, float64 from the float32 weights).
 *
 * <p>Tolerances: loss and both perplexities within 1e-5 relative in float32 and 1e-10 in float64.
 * Token counts and top-k hit counts must be equal: the fixture records that every top-k decision
 * is at least {@link #DECISION_MARGIN} away from a tie, far above float32 rounding of the logits
 * (about 1e-6 here), so no count may differ.
 */
class EvaluationParityTest {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationParityTest.class);
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/eval");
    private static final double DECISION_MARGIN = 1e-3;

    private static JsonNode expected;
    private static TokenDataset tokens;

    @BeforeAll
    static void read() throws IOException {
        expected = new ObjectMapper().readTree(FIXTURE.resolve("expected.json").toFile());
        tokens = TokenDataset.open(FIXTURE.resolve("tokens.bin"));
    }

    private static GPT model(String type) throws IOException {
        return HuggingFaceGpt2.load(FIXTURE.resolve("model"), DataType.valueOf(type));
    }

    private static Evaluator withAllMetrics(Evaluator evaluator) {
        return evaluator.metrics(Perplexity.tokenWeighted(), Perplexity.meanOfBatchMeans(),
                TokenAccuracy.top(1), TokenAccuracy.top(5));
    }

    /** The worst relative error of loss and both perplexities; counts are asserted equal. */
    private static double compare(String what, JsonNode want, EvalResult got) {
        assertTrue(want.get("min_target_logit_gap").asDouble() > DECISION_MARGIN,
                what + ": the fixture has a top-k decision too close to a tie for an exact comparison");
        long n = want.get("tokens").asLong();
        assertEquals(n, got.tokens(), what + ": scored tokens");
        for (int k : new int[] {1, 5}) {
            long hits = want.get("top" + k + "_hits").asLong();
            assertEquals(hits, Math.round(got.metric("top" + k + "_accuracy") * n), what + ": top-" + k + " hits");
            assertEquals((double) hits / n, got.metric("top" + k + "_accuracy"), 1e-15, what + ": top-" + k + " accuracy");
        }
        assertEquals(got.accuracy(), got.metric("top1_accuracy"), 0.0, what + ": accuracy is top-1 accuracy");
        assertEquals(got.perplexity(), got.metric("perplexity"), 0.0, what + ": perplexity is the token-weighted one");
        double worst = 0;
        for (String key : List.of("loss", "perplexity", "perplexity_batch_mean")) {
            double w = want.get(key).asDouble();
            double g = key.equals("loss") ? got.loss() : got.metric(key);
            worst = Math.max(worst, Math.abs(g - w) / Math.abs(w));
        }
        LOG.info("{}: loss {} perplexity {} batch-mean perplexity {} top1 {} top5 {}, worst relative error {}", what,
                got.loss(), got.perplexity(), got.metric("perplexity_batch_mean"), got.accuracy(),
                got.metric("top5_accuracy"), worst);
        return worst;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT, 1e-5", "DOUBLE, 1e-10"})
    void consecutiveWindowsMatchPyTorch(String type, double tolerance) throws IOException {
        GPT model = model(type);
        for (JsonNode c : expected.get("consecutive")) {
            int t = c.get("context").asInt();
            int b = c.get("batch_size").asInt();
            EvalResult r = withAllMetrics(Evaluator.of(model).contextLength(t).batchSize(b)).evaluate(tokens);
            double worst = compare(type + " consecutive T=" + t + " B=" + b, c, r);
            assertTrue(worst <= tolerance, "consecutive T=" + t + " B=" + b + " differs by " + worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT, 1e-5", "DOUBLE, 1e-10"})
    void slidingWindowsMatchPyTorch(String type, double tolerance) throws IOException {
        GPT model = model(type);
        for (JsonNode c : expected.get("sliding")) {
            int t = c.get("context").asInt();
            int s = c.get("stride").asInt();
            int b = c.get("batch_size").asInt();
            EvalResult r = withAllMetrics(Evaluator.of(model).contextLength(t).stride(s).batchSize(b)).evaluate(tokens);
            double worst = compare(type + " sliding T=" + t + " S=" + s + " B=" + b, c, r);
            assertTrue(worst <= tolerance, "sliding T=" + t + " S=" + s + " B=" + b + " differs by " + worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"FLOAT, 1e-5", "DOUBLE, 1e-10"})
    void ignoredTargetsAreNotCounted(String type, double tolerance) throws IOException {
        Map<String, INDArray> tensors = SafeTensors.read(FIXTURE.resolve("masked_batch.safetensors"));
        Batch batch = new Batch(tensors.get("inputs"), tensors.get("targets"));
        EvalResult r = withAllMetrics(Evaluator.of(model(type))).evaluate(List.of(batch));
        double worst = compare(type + " masked batch", expected.get("masked_batch"), r);
        assertTrue(worst <= tolerance, "masked batch differs by " + worst);
    }
}
