package org.decoder4j.nn;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a Hugging Face GPT-2 {@code config.json} strictly: every key this library uses must have
 * the JSON type it is documented with (an integer for sizes, a number for rates and ε, a string
 * for the activation, a boolean for the tie), and the file must hold one object and nothing
 * after it. A key of the wrong type is refused naming the key and the value, never replaced by a
 * default.
 *
 * <pre>{@code
 * GPTConfig c = Gpt2ConfigFile.read(Path.of("gpt2/config.json"));   // HuggingFaceGpt2.readConfig
 * }</pre>
 */
final class Gpt2ConfigFile {

    private static final Logger LOG = LoggerFactory.getLogger(Gpt2ConfigFile.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final JsonNode root;

    private Gpt2ConfigFile(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * @throws NoSuchFileException if the file is missing
     * @throws IOException naming the file and the key if it is malformed or describes a model this
     *                     library cannot build
     */
    static GPTConfig read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory, not a config.json file");
        }
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "model directory has no "
                    + HuggingFaceGpt2.CONFIG_FILE);
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        return new Gpt2ConfigFile(file, root).config();
    }

    private GPTConfig config() throws IOException {
        JsonNode modelType = root.get("model_type");
        if (modelType != null && !modelType.isNull() && !"gpt2".equals(modelType.asText())) {
            throw new IOException(file + ": model_type is " + modelType + "; decoder4j reads GPT-2 models only "
                    + "(model_type \"gpt2\")");
        }
        int vocab = requiredInt("vocab_size");
        int positions = root.has("n_positions") ? requiredInt("n_positions") : requiredInt("n_ctx");
        int embd = requiredInt("n_embd");
        int heads = requiredInt("n_head");
        int layers = requiredInt("n_layer");
        JsonNode inner = root.get("n_inner");
        if (inner != null && !inner.isNull() && (!inner.isIntegralNumber() || inner.asLong() != 4L * embd)) {
            throw new IOException(file + ": n_inner " + inner + " is not supported (the feed-forward width is "
                    + "4·n_embd = " + 4L * embd + ", or null)");
        }
        JsonNode tie = root.get("tie_word_embeddings");
        if (tie != null && !tie.isNull()) {
            if (!tie.isBoolean()) {
                throw wrongType("tie_word_embeddings", tie, "true or false");
            }
            if (!tie.booleanValue()) {
                throw new IOException(file + ": tie_word_embeddings false is not supported (the head is tied to wte)");
            }
        }
        double eps = optionalNumber("layer_norm_epsilon", 1e-5);
        String act = optionalText("activation_function", "gelu_new");
        Activation activation;
        try {
            activation = Activation.fromConfigName(act);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        double dropout = optionalNumber("resid_pdrop", 0.0);
        double embdDrop = optionalNumber("embd_pdrop", dropout);
        double attnDrop = optionalNumber("attn_pdrop", dropout);
        if (embdDrop != dropout || attnDrop != dropout) {
            LOG.warn("{}: resid_pdrop {}, embd_pdrop {}, attn_pdrop {} differ; using {} for all", file, dropout,
                    embdDrop, attnDrop, dropout);
        }
        try {
            return new GPTConfig(vocab, positions, layers, heads, embd, dropout, eps, activation);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private int requiredInt(String key) throws IOException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new IOException(file + ": missing key \"" + key + "\"");
        }
        if (!n.isIntegralNumber()) {
            throw wrongType(key, n, "an integer");
        }
        if (!n.canConvertToInt() || n.intValue() <= 0) {
            throw new IOException(file + ": \"" + key + "\" is " + n + "; it must be an integer in [1, "
                    + Integer.MAX_VALUE + "]");
        }
        return n.intValue();
    }

    private double optionalNumber(String key, double absent) throws IOException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isNumber()) {
            throw wrongType(key, n, "a number");
        }
        return n.doubleValue();
    }

    private String optionalText(String key, String absent) throws IOException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isTextual()) {
            throw wrongType(key, n, "a string");
        }
        return n.textValue();
    }

    private IOException wrongType(String key, JsonNode value, String expected) {
        return new IOException(file + ": \"" + key + "\" must be " + expected + ", got " + value);
    }
}
