package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.tensor.NoGrad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Hugging Face GPT-2 directory format: round trip, name variants and every refusal. */
class HuggingFaceGpt2Test {

    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/parity-gelu-new/model");

    @TempDir
    Path tmp;

    private static INDArray logits(GPT model) {
        INDArray ids = Nd4j.createFromArray(new long[][] {{1, 5, 9, 2, 36}});
        try (NoGrad ignored = NoGrad.enter()) {
            return model.forward(ids).value().dup();
        }
    }

    @Test
    void saveThenLoadGivesIdenticalLogits() throws IOException {
        GPT model = GPT.builder().vocabSize(37).contextLength(16).layers(2).heads(4).embeddingSize(24).seed(3).build();
        model.save(tmp.resolve("m"));
        GPT loaded = GPT.load(tmp.resolve("m"));
        assertEquals(model.config(), loaded.config());
        assertEquals(logits(model), logits(loaded));
        assertTrue(Files.exists(tmp.resolve("m/config.json")));
        Map<String, INDArray> file = SafeTensors.read(tmp.resolve("m/model.safetensors"));
        assertEquals(2 + 12 * 2 + 2, file.size());
        assertEquals(24, file.get("h.0.attn.c_attn.weight").size(0), "Conv1D weights are stored [in, out]");
    }

    @Test
    void namesGpt2sEndOfTextOnlyWhereTheVocabularyHoldsIt() throws IOException {
        GPTConfig characters = new GPTConfig(65, 16, 1, 2, 8, 0.0, 1e-5, Activation.GELU_TANH);
        GPTConfig gpt2 = new GPTConfig(50257, 16, 1, 2, 8, 0.0, 1e-5, Activation.GELU_TANH);
        assertTrue(HuggingFaceGpt2.configJson(characters).get("bos_token_id").isNull());
        assertTrue(HuggingFaceGpt2.configJson(characters).get("eos_token_id").isNull());
        assertEquals(50256, HuggingFaceGpt2.configJson(gpt2).get("bos_token_id").asInt());
        assertEquals(50256, HuggingFaceGpt2.configJson(gpt2).get("eos_token_id").asInt());
        Path file = Files.writeString(tmp.resolve("config.json"), HuggingFaceGpt2.configJson(characters).toString());
        assertEquals(characters, HuggingFaceGpt2.readConfig(file), "null ids read back");
    }

    @Test
    void acceptsTransformerPrefixTiedHeadAndIgnoresMaskBuffers() throws IOException {
        GPT reference = HuggingFaceGpt2.load(FIXTURE);
        Map<String, INDArray> prefixed = new LinkedHashMap<>();
        SafeTensors.read(FIXTURE.resolve("model.safetensors")).forEach((k, v) -> prefixed.put("transformer." + k, v));
        prefixed.put("lm_head.weight", prefixed.get("transformer.wte.weight"));
        prefixed.put("transformer.h.0.attn.masked_bias", Nd4j.scalar(-1e4f));
        Path dir = copyConfig("prefixed");
        SafeTensors.write(dir.resolve("model.safetensors"), prefixed, Map.of());
        assertEquals(logits(reference), logits(GPT.load(dir)));
    }

    @Test
    void refusesAnUntiedHead() throws IOException {
        Map<String, INDArray> tensors = new LinkedHashMap<>(SafeTensors.read(FIXTURE.resolve("model.safetensors")));
        tensors.put("lm_head.weight", tensors.get("wte.weight").add(1.0f));
        Path dir = copyConfig("untied");
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        IOException e = assertThrows(IOException.class, () -> GPT.load(dir));
        assertTrue(e.getMessage().contains("lm_head.weight"), e.getMessage());
    }

    @Test
    void refusesMissingUnexpectedAndMisshapenTensors() throws IOException {
        Map<String, INDArray> good = SafeTensors.read(FIXTURE.resolve("model.safetensors"));

        Map<String, INDArray> missing = new LinkedHashMap<>(good);
        missing.remove("h.1.mlp.c_fc.bias");
        assertLoadFails("missing", missing, "h.1.mlp.c_fc.bias");

        Map<String, INDArray> extra = new LinkedHashMap<>(good);
        extra.put("h.2.ln_1.weight", Nd4j.ones(DataType.FLOAT, 24));
        assertLoadFails("extra", extra, "h.2.ln_1.weight");

        Map<String, INDArray> misshapen = new LinkedHashMap<>(good);
        misshapen.put("wpe.weight", Nd4j.zeros(DataType.FLOAT, 8, 24));
        assertLoadFails("misshapen", misshapen, "wpe.weight");
    }

    @Test
    void refusesConfigurationsItCannotHonour() throws IOException {
        assertConfigFails("\"activation_function\": \"gelu_new\"", "\"activation_function\": \"relu\"", "relu");
        assertConfigFails("\"n_inner\": null", "\"n_inner\": 50", "n_inner");
        assertConfigFails("\"n_embd\": 24,", "", "n_embd");
        assertConfigFails("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false", "tie_word_embeddings");
    }

    @Test
    void readsNctxWhenNpositionsIsAbsent() throws IOException {
        String json = Files.readString(FIXTURE.resolve("config.json")).replace("\"n_positions\": 16,", "");
        Path file = tmp.resolve("config.json");
        Files.writeString(file, json);
        assertEquals(16, HuggingFaceGpt2.readConfig(file).contextLength());
    }

    private void assertLoadFails(String name, Map<String, INDArray> tensors, String expectedInMessage) throws IOException {
        Path dir = copyConfig(name);
        SafeTensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
        IOException e = assertThrows(IOException.class, () -> GPT.load(dir));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    private void assertConfigFails(String from, String to, String expectedInMessage) throws IOException {
        String json = Files.readString(FIXTURE.resolve("config.json"));
        assertTrue(json.contains(from), "fixture config lacks " + from);
        Path file = tmp.resolve("bad-config.json");
        Files.writeString(file, json.replace(from, to), StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> HuggingFaceGpt2.readConfig(file));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    private Path copyConfig(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(FIXTURE.resolve("config.json"), dir.resolve("config.json"));
        return dir;
    }
}
