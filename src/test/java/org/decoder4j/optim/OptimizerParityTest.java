package org.decoder4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameter trajectories of SGD, Adam and AdamW against {@code torch.optim} (fixture
 * {@code fixtures/optim}, float64, written by {@code tools/fixtures/make_fixtures.py}): after each
 * of 20 steps on {@code loss = Σ(x·w1 + b1 − y)²/N + 0.1·Σw1³}, the parameters agree to 1e-9
 * relative (the issue asks for 1e-5; in float64 both sides compute the same formula).
 */
class OptimizerParityTest {

    static final double TOLERANCE = 1e-9;
    private static final Path DIR = Path.of("src/test/resources/fixtures/optim");
    private static JsonNode index;
    private static Map<String, INDArray> tensors;

    @BeforeAll
    static void load() throws IOException {
        index = new ObjectMapper().readTree(DIR.resolve("optim.json").toFile());
        tensors = SafeTensors.read(DIR.resolve("optim.safetensors"));
    }

    static Stream<String> configs() throws IOException {
        List<String> names = new ArrayList<>();
        new ObjectMapper().readTree(DIR.resolve("optim.json").toFile()).get("configs").fieldNames()
                .forEachRemaining(names::add);
        return names.stream();
    }

    @ParameterizedTest
    @MethodSource("configs")
    void matchesPyTorchForTwentySteps(String config) {
        Problem problem = new Problem();
        Optimizer optimizer = problem.optimizer(index.get("configs").get(config));
        int steps = index.get("steps").asInt();
        for (int k = 0; k < steps; k++) {
            double loss = problem.step(optimizer);
            assertEquals(tensors.get(config + ".loss").getDouble(k), loss, 1e-9 * Math.max(1, Math.abs(loss)),
                    config + " loss before step " + (k + 1));
            problem.assertAt(config, k);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void continuesExactlyFromSavedState(String config) {
        JsonNode spec = index.get("configs").get(config);
        Problem first = new Problem();
        Optimizer before = first.optimizer(spec);
        for (int k = 0; k < 10; k++) {
            first.step(before);
        }
        OptimizerState saved = before.state();

        Problem second = new Problem();
        second.w1.value().assign(first.w1.value());
        second.b1.value().assign(first.b1.value());
        Optimizer after = second.optimizer(spec);
        after.loadState(saved);
        assertEquals(10, after.stepCount());
        for (int k = 10; k < index.get("steps").asInt(); k++) {
            second.step(after);
            second.assertAt(config, k);
        }
    }

    @Test
    void rejectsStateOfOtherParameters() {
        Problem problem = new Problem();
        Optimizer adam = Adam.lr(0.01).create(List.of(new ParameterGroup(List.of(problem.w1, problem.b1), 0.01, 0)));
        problem.step(adam);
        OptimizerState state = adam.state();
        Optimizer other = Adam.lr(0.01).create(List.of(new ParameterGroup(List.of(problem.b1, problem.w1), 0.01, 0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadState(state));
        assertTrue(e.getMessage().contains("has shape"), e.getMessage());
    }

    @Test
    void rejectsNesterovWithoutMomentum() {
        Problem problem = new Problem();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SGD.lr(0.1).nesterov(true).create(List.of(problem.w1)));
        assertTrue(e.getMessage().contains("Nesterov"), e.getMessage());
    }

    /** The fixture's least-squares-plus-cubic problem on float64 parameters. */
    private static final class Problem {
        final Tensor x = Tensor.constant(tensors.get("x"));
        final Tensor y = Tensor.constant(tensors.get("y"));
        final Tensor w1 = Tensor.parameter(tensors.get("init.w1").dup());
        final Tensor b1 = Tensor.parameter(tensors.get("init.b1").dup());
        private final Map<String, Tensor> byName = Map.of("w1", w1, "b1", b1);

        Optimizer optimizer(JsonNode spec) {
            String kind = spec.get("optimizer").asText();
            List<ParameterGroup> groups = new ArrayList<>();
            JsonNode first = spec.get("groups").get(0);
            for (JsonNode g : spec.get("groups")) {
                List<Tensor> params = new ArrayList<>();
                g.get("params").forEach(n -> params.add(byName.get(n.asText())));
                groups.add(new ParameterGroup(params, g.get("lr").asDouble(), g.get("weight_decay").asDouble()));
            }
            OptimizerSettings settings = switch (kind) {
                case "SGD" -> SGD.lr(first.get("lr").asDouble()).momentum(first.get("momentum").asDouble())
                        .dampening(first.get("dampening").asDouble()).nesterov(first.get("nesterov").asBoolean());
                case "Adam", "AdamW" -> (kind.equals("Adam") ? Adam.lr(first.get("lr").asDouble())
                        : AdamW.lr(first.get("lr").asDouble()))
                        .betas(first.get("betas").get(0).asDouble(), first.get("betas").get(1).asDouble())
                        .eps(first.get("eps").asDouble()).amsgrad(first.get("amsgrad").asBoolean());
                default -> throw new IllegalArgumentException("unknown optimizer " + kind);
            };
            return settings.create(groups);
        }

        /** zero_grad, loss, backward, step; returns the loss before the step. */
        double step(Optimizer optimizer) {
            optimizer.zeroGrad();
            Tensor residual = x.matmul(w1).add(b1).sub(y);
            Tensor loss = residual.mul(residual).sum().scale(1.0 / x.shape()[0])
                    .add(w1.mul(w1).mul(w1).sum().scale(0.1));
            loss.backward();
            optimizer.step();
            return loss.item();
        }

        void assertAt(String config, int k) {
            assertClose(tensors.get(config + ".w1").get(NDArrayIndex.point(k)), w1.value(), config + " w1 step " + (k + 1));
            assertClose(tensors.get(config + ".b1").get(NDArrayIndex.point(k)), b1.value(), config + " b1 step " + (k + 1));
        }
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1e-12, expected.norm2Number().doubleValue());
        double error = actual.reshape(expected.shape()).sub(expected).norm2Number().doubleValue() / scale;
        assertTrue(error < TOLERANCE, what + ": relative error " + error);
    }
}
