package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * config.json files with keys set to values of every JSON type: each is refused with an
 * IOException naming the file, or read into exactly the values it holds (never a default in
 * place of a value of the wrong type).
 */
class ConfigJsonFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("vocab_size", "n_positions", "n_ctx", "n_embd", "n_head",
            "n_layer", "n_inner", "layer_norm_epsilon", "activation_function", "resid_pdrop", "embd_pdrop",
            "attn_pdrop", "tie_word_embeddings");
    private static final List<String> VALUES = List.of("null", "0", "1", "2", "4", "8", "16", "-3", "16.0", "16.7",
            "0.1", "1e-5", "1e400", "2147483648", "99999999999999999999", "\"16\"", "\"abc\"", "\"gelu_new\"",
            "\"relu\"", "true", "false", "[]", "[16]", "{}", "0.0");
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("config-fuzz");
    }

    @AfterContainer
    static void clean() throws IOException {
        Files.deleteIfExists(dir.resolve("config.json"));
        Files.delete(dir);
    }

    @Provide
    Arbitrary<Map<String, String>> edits() {
        return Arbitraries.maps(Arbitraries.of(KEYS), Arbitraries.of(VALUES)).ofMinSize(1).ofMaxSize(4);
    }

    @Property
    void aConfigIsRefusedNamingTheFileOrReadExactly(@ForAll("edits") Map<String, String> edits) throws IOException {
        ObjectNode node = HuggingFaceGpt2.configJson(new GPTConfig(65, 64, 2, 4, 16, 0.1, 1e-5, Activation.GELU_TANH));
        for (Map.Entry<String, String> e : edits.entrySet()) {
            node.set(e.getKey(), JSON.readTree(e.getValue()));
        }
        Path file = Files.writeString(dir.resolve("config.json"), JSON.writeValueAsString(node));
        GPTConfig c;
        try {
            c = HuggingFaceGpt2.readConfig(file);
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return;
        }
        JsonNode positions = node.get("n_positions").isNull() ? node.get("n_ctx") : node.get("n_positions");
        assertExactInt(node.get("vocab_size"), c.vocabSize());
        assertExactInt(positions, c.contextLength());
        assertExactInt(node.get("n_embd"), c.embeddingSize());
        assertExactInt(node.get("n_head"), c.heads());
        assertExactInt(node.get("n_layer"), c.layers());
        assertExactNumber(node.get("layer_norm_epsilon"), 1e-5, c.layerNormEpsilon());
        assertExactNumber(node.get("resid_pdrop"), 0.0, c.dropout());
    }

    private static void assertExactInt(JsonNode value, int read) {
        if (!value.isIntegralNumber() || value.longValue() != read) {
            fail("read " + read + " from " + value);
        }
    }

    private static void assertExactNumber(JsonNode value, double absent, double read) {
        if (value == null || value.isNull()) {
            assertEquals(absent, read);
        } else {
            assertTrue(value.isNumber(), "read " + read + " from " + value);
            assertEquals(value.doubleValue(), read);
        }
    }
}
