package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Each bad argument gets an exception whose message names the problem. */
class EvaluatorBadInputTest {

    private static GPT model;                                   // vocabulary 37, n_positions 16

    @BeforeAll
    static void load() throws IOException {
        model = HuggingFaceGpt2.load(Path.of("src/test/resources/fixtures/eval/model"), DataType.FLOAT);
    }

    private static void fails(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "\"" + e.getMessage() + "\" should mention " + part);
        }
    }

    private static TokenDataset tokens(int n) {
        return TokenDataset.of(new int[n]);
    }

    private static Batch batch(long[][] inputs, long[][] targets) {
        return new Batch(Nd4j.createFromArray(inputs), Nd4j.createFromArray(targets));
    }

    @Test
    void strideOutsideOneToTheContext() {
        fails(() -> Evaluator.of(model).stride(0), "stride", "at least 1", "0");
        fails(() -> Evaluator.of(model).contextLength(8).stride(9).evaluate(tokens(100)), "stride 9", "[1, 8]");
        fails(() -> new SlidingWindows(tokens(100), 4, 8, 9), "stride 9", "[1, 8]");
    }

    @Test
    void topKBelowOne() {
        fails(() -> TokenAccuracy.top(0), "k >= 1", "0");
        fails(() -> TokenAccuracy.top(-3), "k >= 1", "-3");
    }

    @Test
    void tooFewTokens() {
        fails(() -> Evaluator.of(model).evaluate(tokens(16)), "16 tokens", "at least 17");
        fails(() -> Evaluator.of(model).stride(4).evaluate(tokens(1)), "1 token", "at least 2");
        fails(() -> TokenDataset.of(new int[0]), "empty");
    }

    @Test
    void nothingToScore() {
        fails(() -> Evaluator.of(model).evaluate(List.of()), "nothing to score");
        Batch allIgnored = batch(new long[][] {{1, 2, 3}}, new long[][] {{-100, -100, -100}});
        fails(() -> Evaluator.of(model).evaluate(List.of(allIgnored)), "nothing to score", "-100");
    }

    @Test
    void targetOutsideTheVocabulary() {
        Batch bad = batch(new long[][] {{1, 2, 3}}, new long[][] {{2, 37, 4}});
        fails(() -> Evaluator.of(model).evaluate(List.of(bad)), "target 37", "position 1", "[0, 37)");
        fails(() -> Evaluator.of(model).evaluate(TokenDataset.of(new int[] {1, 2, 40, 3})), "token 40", "index 2");
    }

    @Test
    void metricListedTwiceOrNotComputed() {
        fails(() -> Evaluator.of(model).metrics(TokenAccuracy.top(5), TokenAccuracy.top(5)), "top5_accuracy", "twice");
        EvalResult r = Evaluator.of(model).contextLength(4).evaluate(tokens(5));
        fails(() -> r.metric("top5_accuracy"), "top5_accuracy");
    }
}
