package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A config.json value of the wrong type is refused naming the key and the value, never defaulted. */
class ConfigJsonTypesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GPTConfig SHAPE = new GPTConfig(65, 64, 2, 4, 16, 0.1, 1e-5, Activation.GELU_TANH);

    @TempDir
    Path dir;

    private Path write(String key, String rawValue) throws IOException {
        ObjectNode node = HuggingFaceGpt2.configJson(SHAPE);
        node.set(key, JSON.readTree(rawValue));
        return Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(node));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "layer_norm_epsilon | \"abc\"   | a number",
        "resid_pdrop        | \"lots\"  | a number",
        "embd_pdrop         | true      | a number",
        "attn_pdrop         | [0.1]     | a number",
        "n_embd             | 16.7      | an integer",
        "n_layer            | \"2\"     | an integer",
        "n_head             | 4.0       | an integer",
        "vocab_size         | {}        | an integer",
        "n_positions        | 64.5      | an integer",
        "activation_function| 3         | a string",
        "tie_word_embeddings| \"yes\"   | true or false",
    })
    void wrongTypesAreRefusedNamingKeyAndValue(String key, String value, String expected) throws IOException {
        Path file = write(key, value);
        IOException e = assertThrows(IOException.class, () -> HuggingFaceGpt2.readConfig(file));
        assertTrue(e.getMessage().contains("\"" + key + "\" must be " + expected), e.getMessage());
        assertTrue(e.getMessage().contains(JSON.readTree(value).toString()), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"n_layer | 3000000000", "n_embd | -16", "vocab_size | 0"})
    void sizesOutsideAnIntOrBelowOneAreRefused(String key, String value) throws IOException {
        Path file = write(key, value);
        IOException e = assertThrows(IOException.class, () -> HuggingFaceGpt2.readConfig(file));
        assertTrue(e.getMessage().contains("\"" + key + "\" is " + value), e.getMessage());
    }

    @Test
    void trailingContentIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"),
                JSON.writeValueAsString(HuggingFaceGpt2.configJson(SHAPE)) + " {\"n_layer\": 3}");
        IOException e = assertThrows(IOException.class, () -> HuggingFaceGpt2.readConfig(file));
        assertTrue(e.getMessage().contains("not valid JSON") && e.getMessage().contains("railing"), e.getMessage());
    }

    @Test
    void nullsMeanTheDefaultAndTheWrittenConfigReadsBack() throws IOException {
        assertEquals(SHAPE, HuggingFaceGpt2.readConfig(write("n_inner", "null")));
        assertEquals(SHAPE.withDropout(0.0), HuggingFaceGpt2.readConfig(write("resid_pdrop", "null")));
    }
}
