package org.decoder4j.nn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.decoder4j.io.AtomicWrite;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.io.SafeTensorsFile;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Reads and writes a {@link GPT} as a Hugging Face GPT-2 model directory: {@code config.json} and
 * {@code model.safetensors} with GPT-2's tensor names. The fused {@code attn.c_attn} projection
 * ({@code [C, 3C]}, Conv1D layout {@code [in, out]}) is split into this library's query, key and
 * value layers, and every Conv1D weight is transposed to {@code [out, in]}.
 *
 * <pre>{@code
 * GPT model = HuggingFaceGpt2.load(Path.of("gpt2"));        // also GPT.load(dir)
 * HuggingFaceGpt2.save(model, Path.of("out/final"));        // also model.save(dir)
 * }</pre>
 *
 * <p>Loading accepts names with or without the {@code transformer.} prefix, ignores the
 * {@code attn.bias} / {@code attn.masked_bias} mask buffers, and accepts an {@code lm_head.weight}
 * only if it equals {@code wte.weight} (the head is tied).
 */
public final class HuggingFaceGpt2 {

    /** The config file inside a model directory. */
    public static final String CONFIG_FILE = "config.json";
    /** The weights file inside a model directory. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** GPT-2's {@code <|endoftext|>} id, its begin- and end-of-text token. */
    private static final int END_OF_TEXT = 50256;

    private HuggingFaceGpt2() {
    }

    // ------------------------------------------------------------------ directory

    /**
     * Writes {@code config.json} and {@code model.safetensors} (float32) into {@code dir}, each atomically.
     *
     * @param model the model to save
     * @param dir the model directory, created if missing
     * @throws IOException if a file cannot be written
     */
    public static void save(GPT model, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        stateDict(model).forEach((name, value) -> tensors.put(name, value.castTo(DataType.FLOAT)));
        SafeTensors.write(dir.resolve(WEIGHTS_FILE), tensors, Map.of("format", "pt"));
        byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(configJson(model.config()))
                .getBytes(StandardCharsets.UTF_8);
        AtomicWrite.write(dir.resolve(CONFIG_FILE), json);
    }

    /**
     * Loads a model directory as float32.
     *
     * @param dir a model directory
     * @return the model
     * @throws IOException if a file is missing or malformed
     */
    public static GPT load(Path dir) throws IOException {
        return load(dir, DataType.FLOAT);
    }

    /**
     * Loads a model directory; weights are converted to {@code dataType}.
     *
     * @param dir a model directory
     * @param dataType FLOAT or DOUBLE
     * @return the model
     * @throws IOException if a file is missing or malformed
     */
    public static GPT load(Path dir, DataType dataType) throws IOException {
        GPTConfig config = readConfig(dir.resolve(CONFIG_FILE));
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new NoSuchFileException(weights.toString(), null, "model directory has no " + WEIGHTS_FILE);
        }
        try (SafeTensorsFile file = SafeTensors.open(weights)) {
            // Names, shapes and total size are checked from the header, and the size against the
            // machine's memory, before the model is allocated.
            Gpt2WeightsLayout.check(config, file, dir.resolve(CONFIG_FILE).toString());
            ModelMemory.check(config, dataType.width(), 1, dir.resolve(CONFIG_FILE).toString());
            GPT model = GPT.forLoading(config, dataType);
            load(model, file.names(), file::load, weights.toString());
            return model;
        }
    }

    /**
     * Checks the weights file of a model directory against its config (names, shapes, total size)
     * and the config against the machine's memory, reading only the header.
     *
     * @throws IOException naming both files and the first difference
     * @throws IllegalArgumentException if the model cannot fit in memory, naming the key and the estimate
     * @param dir a model directory
     * @param config the config read from it
     */
    public static void checkWeights(Path dir, GPTConfig config) throws IOException {
        try (SafeTensorsFile file = SafeTensors.open(dir.resolve(WEIGHTS_FILE))) {
            Gpt2WeightsLayout.check(config, file, dir.resolve(CONFIG_FILE).toString());
        }
        ModelMemory.check(config, 4, 1, dir.resolve(CONFIG_FILE).toString());
    }

    // ------------------------------------------------------------------ config.json

    /**
     * The Hugging Face GPT-2 {@code config.json} of a configuration. Its begin- and end-of-text ids
     * are GPT-2's {@code <|endoftext|>} (50256) where the vocabulary holds it, and null otherwise:
     * transformers assumes 50256 when the file is silent, and warns that a smaller vocabulary (a
     * character-level model's) has no such id.
     *
     * @param c the configuration
     * @return the JSON object
     */
    public static ObjectNode configJson(GPTConfig c) {
        ObjectNode node = JSON.createObjectNode();
        node.put("model_type", "gpt2");
        node.putArray("architectures").add("GPT2LMHeadModel");
        node.put("vocab_size", c.vocabSize());
        node.put("n_positions", c.contextLength());
        node.put("n_ctx", c.contextLength());
        node.put("n_embd", c.embeddingSize());
        node.put("n_head", c.heads());
        node.put("n_layer", c.layers());
        node.putNull("n_inner");
        node.put("layer_norm_epsilon", c.layerNormEpsilon());
        node.put("activation_function", c.activation().configName());
        node.put("resid_pdrop", c.dropout());
        node.put("embd_pdrop", c.dropout());
        node.put("attn_pdrop", c.dropout());
        node.put("initializer_range", 0.02);
        node.put("tie_word_embeddings", true);
        if (c.vocabSize() > END_OF_TEXT) {
            node.put("bos_token_id", END_OF_TEXT);
            node.put("eos_token_id", END_OF_TEXT);
        } else {
            node.putNull("bos_token_id");
            node.putNull("eos_token_id");
        }
        return node;
    }

    /**
     * Reads a GPT-2 {@code config.json}; a key the library cannot honour, or one whose value has
     * the wrong JSON type, fails with its name and value.
     *
     * @param file a config.json file
     * @return the configuration
     * @throws IOException if the file cannot be read or names a setting the library cannot honour
     */
    public static GPTConfig readConfig(Path file) throws IOException {
        return Gpt2ConfigFile.read(file);
    }

    // ------------------------------------------------------------------ weights

    /**
     * The model's weights under GPT-2's names and layouts (Conv1D weights as [in, out]), as copies.
     *
     * @param model the model
     * @return the weights by GPT-2 name
     */
    public static Map<String, INDArray> stateDict(GPT model) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        out.put("wte.weight", copy(model.tokenEmbedding().weight().value()));
        out.put("wpe.weight", copy(model.positionEmbedding().weight().value()));
        List<DecoderBlock> blocks = model.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            Map<String, Tensor> p = blocks.get(i).namedParameters();
            String h = "h." + i + ".";
            out.put(h + "ln_1.weight", copy(p.get("ln_1.weight").value()));
            out.put(h + "ln_1.bias", copy(p.get("ln_1.bias").value()));
            out.put(h + "attn.c_attn.weight", copy(Nd4j.concat(1,
                    p.get("attn.query.weight").value().transpose(),
                    p.get("attn.key.weight").value().transpose(),
                    p.get("attn.value.weight").value().transpose())));
            out.put(h + "attn.c_attn.bias", copy(Nd4j.concat(0,
                    p.get("attn.query.bias").value(), p.get("attn.key.bias").value(), p.get("attn.value.bias").value())));
            out.put(h + "attn.c_proj.weight", copy(p.get("attn.proj.weight").value().transpose()));
            out.put(h + "attn.c_proj.bias", copy(p.get("attn.proj.bias").value()));
            out.put(h + "ln_2.weight", copy(p.get("ln_2.weight").value()));
            out.put(h + "ln_2.bias", copy(p.get("ln_2.bias").value()));
            out.put(h + "mlp.c_fc.weight", copy(p.get("mlp.fc.weight").value().transpose()));
            out.put(h + "mlp.c_fc.bias", copy(p.get("mlp.fc.bias").value()));
            out.put(h + "mlp.c_proj.weight", copy(p.get("mlp.proj.weight").value().transpose()));
            out.put(h + "mlp.c_proj.bias", copy(p.get("mlp.proj.bias").value()));
        }
        Map<String, Tensor> top = model.namedParameters();
        out.put("ln_f.weight", copy(top.get("ln_f.weight").value()));
        out.put("ln_f.bias", copy(top.get("ln_f.bias").value()));
        return out;
    }

    private static INDArray copy(INDArray a) {
        return a.dup('c');
    }

    /**
     * Copies GPT-2-named weights into a model of the matching shape.
     *
     * @param source names the origin in error messages (a file path)
     * @throws IOException naming the tensor that is missing, unexpected or of the wrong shape
     * @param model the model to fill
     * @param tensors the weights by GPT-2 name
     */
    public static void loadStateDict(GPT model, Map<String, INDArray> tensors, String source) throws IOException {
        load(model, tensors.keySet(), tensors::get, source);
    }

    /** Reads tensors one at a time by file name, so a large checkpoint never sits in memory twice. */
    private interface TensorReader {
        INDArray read(String name) throws IOException;
    }

    private static void load(GPT model, Set<String> names, TensorReader reader, String source) throws IOException {
        Map<String, String> byName = new LinkedHashMap<>();                     // GPT-2 name -> name in the file
        for (String key : names) {
            String name = key.startsWith("transformer.") ? key.substring("transformer.".length()) : key;
            if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias")) {
                continue; // causal-mask buffers, not weights
            }
            byName.put(name, key);
        }
        String headKey = byName.remove("lm_head.weight");
        Loader loader = new Loader(byName, reader, source);
        GPTConfig c = model.config();
        long e = c.embeddingSize();

        assign(model.tokenEmbedding().weight(), loader.take("wte.weight", c.vocabSize(), e), "wte.weight");
        assign(model.positionEmbedding().weight(), loader.take("wpe.weight", c.contextLength(), e),
                "wpe.weight");
        List<DecoderBlock> blocks = model.blocks();
        for (int i = 0; i < blocks.size(); i++) {
            Map<String, Tensor> p = blocks.get(i).namedParameters();
            String h = "h." + i + ".";
            assign(p.get("ln_1.weight"), loader.take(h + "ln_1.weight", e), h + "ln_1.weight");
            assign(p.get("ln_1.bias"), loader.take(h + "ln_1.bias", e), h + "ln_1.bias");
            INDArray qkv = loader.take(h + "attn.c_attn.weight", e, 3 * e);   // (C, 3C)
            INDArray qkvBias = loader.take(h + "attn.c_attn.bias", 3 * e);    // (3C)
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                INDArray w = qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(k * e, (k + 1) * e)).transpose();
                assign(p.get("attn." + parts[k] + ".weight"), w, h + "attn.c_attn.weight");
                assign(p.get("attn." + parts[k] + ".bias"), qkvBias.get(NDArrayIndex.interval(k * e, (k + 1) * e)),
                        h + "attn.c_attn.bias");
            }
            assign(p.get("attn.proj.weight"), loader.take(h + "attn.c_proj.weight", e, e).transpose(),
                    h + "attn.c_proj.weight");
            assign(p.get("attn.proj.bias"), loader.take(h + "attn.c_proj.bias", e), h + "attn.c_proj.bias");
            assign(p.get("ln_2.weight"), loader.take(h + "ln_2.weight", e), h + "ln_2.weight");
            assign(p.get("ln_2.bias"), loader.take(h + "ln_2.bias", e), h + "ln_2.bias");
            assign(p.get("mlp.fc.weight"), loader.take(h + "mlp.c_fc.weight", e, 4 * e).transpose(),
                    h + "mlp.c_fc.weight");
            assign(p.get("mlp.fc.bias"), loader.take(h + "mlp.c_fc.bias", 4 * e), h + "mlp.c_fc.bias");
            assign(p.get("mlp.proj.weight"), loader.take(h + "mlp.c_proj.weight", 4 * e, e).transpose(),
                    h + "mlp.c_proj.weight");
            assign(p.get("mlp.proj.bias"), loader.take(h + "mlp.c_proj.bias", e), h + "mlp.c_proj.bias");
            loader.release();
        }
        Map<String, Tensor> top = model.namedParameters();
        assign(top.get("ln_f.weight"), loader.take("ln_f.weight", e), "ln_f.weight");
        assign(top.get("ln_f.bias"), loader.take("ln_f.bias", e), "ln_f.bias");
        loader.release();
        if (!loader.unused.isEmpty()) {
            throw new IOException(source + ": unexpected tensor(s) " + loader.unused + " for a " + c.layers()
                    + "-layer GPT-2");
        }
        if (headKey != null) {
            INDArray head = reader.read(headKey);
            INDArray wte = model.tokenEmbedding().weight().value();
            if (!Arrays.equals(head.shape(), wte.shape())
                    || !head.castTo(wte.dataType()).equalsWithEps(wte, 1e-6)) {
                throw new IOException(source + ": lm_head.weight differs from wte.weight; an untied output head is not supported");
            }
        }
    }

    /** Fetches tensors by GPT-2 name, checks their shapes and remembers which were never asked for. */
    private static final class Loader {
        private final Map<String, String> byName;
        private final TensorReader reader;
        private final String source;
        private final Set<String> unused;
        private final List<INDArray> loaded = new java.util.ArrayList<>();

        Loader(Map<String, String> byName, TensorReader reader, String source) {
            this.byName = byName;
            this.reader = reader;
            this.source = source;
            this.unused = new LinkedHashSet<>(byName.keySet());
        }

        INDArray take(String name, long... shape) throws IOException {
            String key = byName.get(name);
            if (key == null) {
                throw new IOException(source + ": missing tensor " + name);
            }
            INDArray a = reader.read(key);
            if (!Arrays.equals(a.shape(), shape)) {
                throw new IOException(source + ": tensor " + name + " has shape " + Arrays.toString(a.shape())
                        + ", expected " + Arrays.toString(shape));
            }
            unused.remove(name);
            loaded.add(a);
            return a;
        }

        /** Frees the tensors read so far (their values have been copied into the model). */
        void release() {
            for (INDArray a : loaded) {
                if (a.closeable()) {
                    a.close();
                }
            }
            loaded.clear();
        }
    }

    private static void assign(Tensor parameter, INDArray source, String name) throws IOException {
        if (!Arrays.equals(parameter.shape(), source.shape())) {
            throw new IOException("tensor " + name + ": shape " + Arrays.toString(source.shape())
                    + " does not fit parameter shape " + Arrays.toString(parameter.shape()));
        }
        parameter.value().assign(source.castTo(parameter.dataType()));
    }
}
