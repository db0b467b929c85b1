package org.decoder4j.amp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.SGD;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The loss scaler against PyTorch's GradScaler rule (fixture {@code fixtures/gradscaler}: 30 steps
 * of SGD with injected inf/NaN gradients and a finite gradient that overflows at a large scale,
 * with the default growth interval and with 3): the scale used, the skipped steps, the scale and
 * growth tracker after each update, and the parameters, exactly (float32).
 */
class GradScalerTest {

    private static JsonNode index;
    private static Map<String, INDArray> tensors;

    @BeforeAll
    static void load() throws IOException {
        Path dir = Path.of("src/test/resources/fixtures/gradscaler");
        index = new ObjectMapper().readTree(dir.resolve("gradscaler.json").toFile());
        tensors = SafeTensors.read(dir.resolve("gradscaler.safetensors"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "interval3"})
    void followsPyTorchsScaleSequence(String run) {
        JsonNode expected = index.get("runs").get(run);
        GradScaler scaler = new GradScaler(expected.get("init_scale").asDouble(), expected.get("growth_factor").asDouble(),
                expected.get("backoff_factor").asDouble(), expected.get("growth_interval").asInt());
        Tensor p = Tensor.parameter(tensors.get("param_init").dup());
        Optimizer sgd = SGD.lr(index.get("lr").asDouble()).create(List.of(p));
        int steps = index.get("steps").asInt();
        int skipped = 0;
        for (int k = 0; k < steps; k++) {
            assertEquals(expected.get("scale_used").get(k).asDouble(), scaler.getScale(), 0.0, "scale at step " + k);
            sgd.zeroGrad();
            // the gradient of (loss · scale) is the raw gradient times the scale, in float32
            p.backward(tensors.get("grads").get(NDArrayIndex.point(k)).mul((float) scaler.getScale()));
            boolean stepped = scaler.step(sgd);
            assertEquals(expected.get("skipped").get(k).asBoolean(), !stepped, "skipped at step " + k);
            skipped += stepped ? 0 : 1;
            scaler.update();
            assertEquals(expected.get("scale_after_update").get(k).asDouble(), scaler.getScale(), 0.0);
            assertEquals(expected.get("growth_tracker_after_update").get(k).asInt(), scaler.state().growthTracker());
            assertEquals(tensors.get(run + ".params").get(NDArrayIndex.point(k)), p.value(), "parameters after step " + k);
        }
        assertEquals(skipped, scaler.skippedSteps());
        assertTrue(skipped >= 5, "the fixture injects five non-finite gradients");
    }

    @Test
    void restoresItsState() {
        GradScaler scaler = new GradScaler();
        scaler.loadState(new GradScaler.State(1024, 7, 3));
        assertEquals(1024, scaler.getScale());
        assertEquals(new GradScaler.State(1024, 7, 3), scaler.state());
    }

    @Test
    void rejectsBadSettingsAndOrder() {
        assertThrows(IllegalArgumentException.class, () -> new GradScaler(0, 2, 0.5, 2000));
        assertThrows(IllegalArgumentException.class, () -> new GradScaler(1, 2, 1.5, 2000));
        GradScaler scaler = new GradScaler();
        assertThrows(IllegalStateException.class, scaler::update);
        Tensor p = Tensor.parameter(Nd4j.zeros(2));
        p.backward(Nd4j.ones(2));
        Optimizer sgd = SGD.lr(0.1).create(List.of(p));
        scaler.unscale(sgd);
        assertThrows(IllegalStateException.class, () -> scaler.unscale(sgd));
    }
}
