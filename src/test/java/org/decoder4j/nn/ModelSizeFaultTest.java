package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A small model directory whose config.json claims a huge model is refused from the header of its
 * weights file, before anything is allocated; a shape that cannot fit in memory is refused up
 * front naming the key.
 */
class ModelSizeFaultTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private Path smallModelWithConfig(String key, long value) throws IOException {
        Path model = dir.resolve("model-" + key);
        GPT.builder().vocabSize(65).contextLength(16).layers(2).heads(2).embeddingSize(8).seed(1).build().save(model);
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        config.put(key, value);
        if (key.equals("n_positions")) {
            config.put("n_ctx", value);
        }
        Files.writeString(model.resolve("config.json"), JSON.writeValueAsString(config));
        return model;
    }

    @ParameterizedTest
    @CsvSource({"n_layer, 1000000", "vocab_size, 2000000000", "n_embd, 1000000", "n_positions, 1000000000",
        "n_layer, 3", "vocab_size, 66"})
    void aConfigThatDoesNotMatchItsWeightsIsRefusedBeforeAllocating(String key, long value) throws IOException {
        Path model = smallModelWithConfig(key, value);
        long before = System.nanoTime();
        IOException e = assertThrows(IOException.class, () -> HuggingFaceGpt2.load(model, DataType.FLOAT));
        assertTrue((System.nanoTime() - before) / 1e9 < 5, "refused from the header, quickly");
        assertTrue(e.getMessage().contains(model.resolve("config.json").toString())
                && e.getMessage().contains(model.resolve("model.safetensors").toString())
                && e.getMessage().contains(key + " " + value)
                && e.getMessage().contains("do not belong together"), e.getMessage());
    }

    @Test
    void aMismatchedTensorShapeIsNamed() throws IOException {
        // same total number of weights, different split: n_positions 16 -> 8 and vocab_size 65 -> 73
        Path model = dir.resolve("swapped");
        GPT.builder().vocabSize(65).contextLength(16).layers(2).heads(2).embeddingSize(8).seed(1).build().save(model);
        ObjectNode config = (ObjectNode) JSON.readTree(model.resolve("config.json").toFile());
        config.put("n_positions", 8).put("n_ctx", 8).put("vocab_size", 73);
        Files.writeString(model.resolve("config.json"), JSON.writeValueAsString(config));
        IOException e = assertThrows(IOException.class, () -> HuggingFaceGpt2.load(model, DataType.FLOAT));
        assertTrue(e.getMessage().contains("tensor wte.weight has shape [65, 8], expected [73, 8]"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"100000, 128, 65, n_layer 100000", "4, 1000000, 65, n_embd 1000000",
        "4, 128, 2000000000, vocab_size 2000000000"})
    void aModelTooLargeForTheMachineIsRefusedNamingTheKey(int layers, int embd, int vocab, String named) {
        GPTConfig huge = new GPTConfig(vocab, 64, layers, 4, embd, 0, 1e-5, Activation.GELU_TANH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GPT(huge, 1, DataType.FLOAT));
        assertTrue(e.getMessage().contains(named + " is the size to reduce")
                && e.getMessage().contains("of memory of this machine"), e.getMessage());
    }

    @Test
    void parameterCountMatchesTheModel() {
        GPT small = GPT.builder().vocabSize(65).contextLength(16).layers(2).heads(2).embeddingSize(8).seed(1).build();
        assertEquals(small.parameterCount(), ModelMemory.parameterCount(small.config()));
    }
}
