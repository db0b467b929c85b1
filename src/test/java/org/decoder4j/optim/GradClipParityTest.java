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
import org.decoder4j.io.SafeTensors;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code clip_grad_norm_} (L2 and infinity norm) and {@code clip_grad_value_} against PyTorch
 * (fixture {@code fixtures/clip}, float64): the returned norm and every clipped gradient to 1e-12
 * relative, on a set above the limit, one below it, and one with a 0-d tensor and spikes.
 */
class GradClipParityTest {

    private static final Path DIR = Path.of("src/test/resources/fixtures/clip");
    private static JsonNode index;
    private static Map<String, INDArray> tensors;

    @BeforeAll
    static void load() throws IOException {
        index = new ObjectMapper().readTree(DIR.resolve("clip.json").toFile());
        tensors = SafeTensors.read(DIR.resolve("clip.safetensors"));
    }

    private static List<Tensor> parametersWithGradients(String caseName) {
        List<Tensor> params = new ArrayList<>();
        for (int j = 0; j < index.get("cases").get(caseName).get("tensors").asInt(); j++) {
            INDArray g = tensors.get(caseName + ".in." + j);
            Tensor p = Tensor.parameter(Nd4j.zeros(g.dataType(), g.shape()));
            p.backward(g.dup());                                              // a leaf's backward sets its gradient
            params.add(p);
        }
        return params;
    }

    private static void assertGradients(List<Tensor> params, String prefix) {
        for (int j = 0; j < params.size(); j++) {
            INDArray expected = tensors.get(prefix + j);
            double error = params.get(j).grad().sub(expected).norm2Number().doubleValue()
                    / Math.max(1e-300, expected.norm2Number().doubleValue());
            assertTrue(error < 1e-12, prefix + j + ": relative error " + error);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"large", "small", "mixed"})
    void clipGradNormL2(String caseName) {
        List<Tensor> params = parametersWithGradients(caseName);
        double total = GradClip.clipGradNorm(params, index.get("max_norm").asDouble(), 2, false);
        double expected = tensors.get(caseName + ".norm2.total_norm").getDouble(0);
        assertEquals(expected, total, 1e-12 * expected);
        assertGradients(params, caseName + ".norm2.out.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"large", "small", "mixed"})
    void clipGradNormInfinity(String caseName) {
        List<Tensor> params = parametersWithGradients(caseName);
        double total = GradClip.clipGradNorm(params, index.get("max_norm").asDouble(), Double.POSITIVE_INFINITY,
                false);
        double expected = tensors.get(caseName + ".inf.total_norm").getDouble(0);
        assertEquals(expected, total, 1e-12 * expected);
        assertGradients(params, caseName + ".inf.out.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"large", "small", "mixed"})
    void clipGradValue(String caseName) {
        List<Tensor> params = parametersWithGradients(caseName);
        GradClip.clipGradValue(params, index.get("clip_value").asDouble());
        assertGradients(params, caseName + ".value.out.");
    }

    @Test
    void nonFiniteNormRaisesWhenAsked() {
        Tensor p = Tensor.parameter(Nd4j.zeros(3));
        p.backward(Nd4j.createFromArray(1.0f, Float.NaN, 2.0f));
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> GradClip.clipGradNorm(List.of(p), 1.0, 2, true));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(1.0f, p.grad().getFloat(0), "gradients untouched when raising");
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(p), 1.0, 2, false)), "reported without raising");
    }

    @Test
    void pNormOtherThanTwo() {
        Tensor p = Tensor.parameter(Nd4j.zeros(2));
        p.backward(Nd4j.createFromArray(3.0f, -4.0f));
        assertEquals(7.0, GradClip.totalNorm(List.of(p), 1), 1e-6);
        assertEquals(Math.cbrt(91), GradClip.totalNorm(List.of(p), 3), 1e-5);
    }

    @Test
    void float32NormOverSeveralBlocksAndTensors() {
        Tensor a = Tensor.parameter(Nd4j.zeros(DataType.FLOAT, 200_000));       // split across cores
        INDArray ga = Nd4j.zeros(DataType.FLOAT, 200_000);
        ga.putScalar(0, 3f);
        ga.putScalar(199_999, -4f);                                             // in the last range
        a.backward(ga);
        Tensor b = Tensor.parameter(Nd4j.zeros(DataType.FLOAT, 2));
        b.backward(Nd4j.createFromArray(12f, 0f));
        assertEquals(13.0, GradClip.totalNorm(List.of(a, b), 2), 1e-12);
    }
}
