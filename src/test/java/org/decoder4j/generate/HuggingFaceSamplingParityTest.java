package org.decoder4j.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.decoder4j.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The distribution a token is drawn from against Hugging Face's logits processors as PyTorch
 * computes them in float64 ({@code tools/fixtures/make_sampling_fixture.py}): six combinations of
 * repetition penalty, temperature, top-k and top-p on eight rows of 50 logits, every probability
 * within 1e-12, and the same tokens kept.
 */
class HuggingFaceSamplingParityTest {

    @Test
    void everyCombinationGivesPyTorchsDistribution() throws IOException {
        Map<String, INDArray> f = SafeTensors.read(Path.of("src/test/resources/fixtures/sampling/sampling.safetensors"));
        INDArray logits = f.get("logits");                                      // (rows, V)
        INDArray ids = f.get("input_ids").castTo(DataType.INT32);               // (rows, history)
        INDArray settings = f.get("settings");                                  // (cases, 4)
        INDArray expected = f.get("probabilities");                             // (cases, rows, V)
        int rows = (int) logits.size(0);
        int cases = (int) settings.size(0);
        assertEquals(6, cases);
        for (int c = 0; c < cases; c++) {
            Sampling s = new Sampling(settings.getDouble(c, 0), (int) settings.getDouble(c, 1),
                    settings.getDouble(c, 2), settings.getDouble(c, 3), 0);
            for (int r = 0; r < rows; r++) {
                int[] history = ids.getRow(r).toIntVector();
                double[] penalized = TokenChooser.penalize(logits.getRow(r).toDoubleVector(),
                        s.repetitionPenalty(), history, history.length);
                double[] ours = TokenChooser.filteredProbabilities(penalized, s);
                double[] torch = expected.get(org.nd4j.linalg.indexing.NDArrayIndex.point(c),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(r),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).toDoubleVector();
                for (int v = 0; v < ours.length; v++) {
                    String where = "case " + s + ", row " + r + ", token " + v;
                    assertEquals(torch[v] == 0, ours[v] == 0, where + ": kept by one and not the other");
                    assertTrue(Math.abs(ours[v] - torch[v]) <= 1e-12, where + ": " + ours[v] + " vs " + torch[v]);
                }
            }
        }
    }
}
