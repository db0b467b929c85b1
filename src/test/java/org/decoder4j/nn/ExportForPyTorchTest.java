package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.tensor.NoGrad;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a model saved by decoder4j and its logits to {@code target/export-check/}, for the
 * PyTorch side of the round trip:
 *
 * <pre>
 * /usr/bin/python3 tools/fixtures/check_export.py target/export-check/model target/export-check/logits.safetensors
 * </pre>
 *
 * The Java side checks here that the saved files reload to the same logits.
 */
class ExportForPyTorchTest {

    @Test
    void writesModelAndLogitsForTheFixtureScript() throws IOException {
        Path dir = Path.of("target/export-check");
        GPT model = GPT.builder().vocabSize(65).contextLength(32).layers(3).heads(4).embeddingSize(48)
                .activation(Activation.GELU_EXACT).seed(21).build();
        // move away from the initial weights so layer norms and biases are not 1 and 0
        Nd4j.getRandom().setSeed(5);
        model.parameters().forEach(p -> p.value().addi(Nd4j.randn(p.dataType(), p.shape()).muli(0.05)));
        model.save(dir.resolve("model"));

        INDArray inputs = Nd4j.createFromArray(new long[][] {{0, 7, 64, 12, 3, 3, 40, 1}, {9, 8, 7, 6, 5, 4, 3, 2}});
        INDArray logits;
        try (NoGrad ignored = NoGrad.enter()) {
            logits = model.forward(inputs).value().dup();
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put("inputs", inputs);
        out.put("logits", logits);
        SafeTensors.write(dir.resolve("logits.safetensors"), out, Map.of());

        GPT reloaded = GPT.load(dir.resolve("model"));
        try (NoGrad ignored = NoGrad.enter()) {
            assertEquals(logits, reloaded.forward(inputs).value());
        }
    }
}
