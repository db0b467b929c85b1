package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** A broken model must not score well: ties and NaN logits are never hits. */
class TiedAndNanLogitsTest {

    private static final Path MODEL = Path.of("src/test/resources/fixtures/eval/model");   // vocabulary 37

    private static TokenDataset tokens() throws IOException {
        return TokenDataset.open(Path.of("src/test/resources/fixtures/eval/tokens.bin"));
    }

    private static EvalResult evaluate(GPT model) throws IOException {
        return Evaluator.of(model).metrics(TokenAccuracy.top(1), TokenAccuracy.top(5), TokenAccuracy.top(37))
                .evaluate(tokens());
    }

    @Test
    void allZeroWeightsScoreNothing() throws IOException {
        GPT model = HuggingFaceGpt2.load(MODEL, DataType.FLOAT);
        for (Tensor p : model.parameters()) {
            p.value().assign(0);
        }
        EvalResult r = evaluate(model);
        assertEquals(0.0, r.metric("top1_accuracy"), "every logit ties: no target is the single most likely");
        assertEquals(0.0, r.metric("top5_accuracy"));
        assertEquals(1.0, r.metric("top37_accuracy"), "k = V still holds every target");
        assertEquals(Math.log(37), r.loss(), 1e-5);
    }

    @Test
    void nanLogitsAreNeverHits() throws IOException {
        GPT model = HuggingFaceGpt2.load(MODEL, DataType.FLOAT);
        model.blocks().get(0).namedParameters().get("mlp.fc.weight").value().putScalar(0, Float.NaN);
        EvalResult r = evaluate(model);
        assertTrue(Double.isNaN(r.loss()), "loss " + r.loss());
        assertEquals(0.0, r.metric("top1_accuracy"));
        assertEquals(0.0, r.metric("top5_accuracy"));
        assertEquals(0.0, r.metric("top37_accuracy"));
    }

    @Test
    void aTrainedModelStillScoresAsBefore() throws IOException {
        EvalResult r = evaluate(HuggingFaceGpt2.load(MODEL, DataType.FLOAT));
        assertTrue(r.metric("top1_accuracy") > 0 && r.metric("top1_accuracy") < 1, r.toString());
        assertTrue(r.metric("top5_accuracy") >= r.metric("top1_accuracy"));
    }
}
