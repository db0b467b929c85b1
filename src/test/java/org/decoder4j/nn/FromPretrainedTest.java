package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.hub.HubSettings;
import org.decoder4j.hub.HubTestServer;
import org.decoder4j.hub.HuggingFaceHub;
import org.decoder4j.tensor.NoGrad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link GPT#fromPretrained} and {@link Tokenizer#fromPretrained} on a tiny GPT-2 made by
 * transformers ({@code tools/fixtures/make_hub_fixture.py}), served by an in-process Hub: the
 * loaded model gives transformers' logits, and the refusals (pickle-only, another model_type, a
 * config larger than its weights) happen before any weights are downloaded.
 */
class FromPretrainedTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/hub/tiny-gpt2");
    static final Path EXPECTED = Path.of("src/test/resources/fixtures/hub/expected.json");

    @TempDir
    Path cache;

    HubTestServer server;
    String commit;

    @BeforeEach
    void serve() throws IOException {
        server = HubTestServer.start();
        commit = server.publish("tiny/gpt2", FIXTURE);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    HuggingFaceHub hub(boolean offline) {
        return new HuggingFaceHub(new HubSettings(server.endpoint(), cache, offline, null));
    }

    static JsonNode expected() throws IOException {
        return new ObjectMapper().readTree(EXPECTED.toFile());
    }

    /** Logits of the fixture's prompt at its first and last position, against transformers' (float64). */
    static void assertTransformersLogits(GPT model) throws IOException {
        JsonNode e = expected();
        long[] ids = new long[e.get("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = e.get("ids").get(i).asLong();
        }
        INDArray logits;
        try (NoGrad ignored = NoGrad.enter()) {
            logits = model.forward(Nd4j.createFromArray(new long[][] {ids})).value().dup();   // (1, T, V)
        }
        for (String key : List.of("logits_first", "logits_last")) {
            int t = key.equals("logits_first") ? 0 : ids.length - 1;
            JsonNode want = e.get(key);
            assertEquals(want.size(), logits.size(2));
            for (int v = 0; v < want.size(); v++) {
                assertEquals(want.get(v).asDouble(), logits.getDouble(0, t, v), 2e-6, key + "[" + v + "]");
            }
        }
    }

    @Test
    void aTransformersGpt2FromTheHubGivesTransformersLogits() throws IOException {
        GPT model = GPT.fromPretrained("tiny/gpt2", hub(false));
        assertEquals(new GPTConfig(300, 32, 2, 2, 16, 0.0, 1e-5, Activation.GELU_TANH), model.config());
        assertTransformersLogits(model);
        Tokenizer tok = Tokenizer.fromPretrained("tiny/gpt2", hub(false));
        int[] ids = tok.encode(expected().get("prompt").asText());
        int[] want = new ObjectMapper().convertValue(expected().get("ids"), int[].class);
        assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(ids));
        assertTrue(server.requests().stream().noneMatch(r -> r.path().endsWith("pytorch_model.bin")),
                "the pickle beside the safetensors is never asked for");
    }

    @Test
    void theSecondLoadNeedsNoServerAndOfflineModeNeedsNoRequest() throws IOException {
        GPT.fromPretrained("tiny/gpt2", hub(false));
        Tokenizer.fromPretrained("tiny/gpt2", hub(false));
        server.close();
        assertTransformersLogits(GPT.fromPretrained("tiny/gpt2", hub(false)));
        assertTransformersLogits(GPT.fromPretrained("tiny/gpt2", hub(true)));
        assertEquals(300, Tokenizer.fromPretrained("tiny/gpt2", hub(true)).vocabSize());
        assertTransformersLogits(GPT.fromPretrained("tiny/gpt2@" + commit, hub(true)));
    }

    @Test
    void offlineWithAnEmptyCacheNamesTheMissingFile() {
        IOException e = assertThrows(IOException.class, () -> GPT.fromPretrained("tiny/gpt2", hub(true)));
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE=1") && e.getMessage().contains("config.json")
                && e.getMessage().contains("tiny/gpt2@main"), e.getMessage());
        IOException t = assertThrows(IOException.class, () -> Tokenizer.fromPretrained("tiny/gpt2", hub(true)));
        assertTrue(t.getMessage().contains("vocab.json + merges.txt nor tokenizer.json"), t.getMessage());
        assertEquals(List.of(), server.requests());
    }

    @Test
    void aPickleOnlyRepositoryIsRefusedWithTheWayToConvertIt() throws IOException {
        server.publish("tiny/pickle-only", FIXTURE, "model.safetensors");
        IOException e = assertThrows(IOException.class, () -> GPT.fromPretrained("tiny/pickle-only", hub(false)));
        assertTrue(e.getMessage().contains("pytorch_model.bin") && e.getMessage().contains("pickle")
                && e.getMessage().contains("save_pretrained(\"DIR\", safe_serialization=True)"), e.getMessage());
        assertTrue(server.requests().stream().noneMatch(r -> r.method().equals("GET") && r.path().contains(".bin")),
                "the pickle is never downloaded");
        assertFalse(Files.exists(cache.resolve("models--tiny--pickle-only/blobs")
                .resolve(HubTestServer.sha256(Files.readAllBytes(FIXTURE.resolve("pytorch_model.bin"))))));
    }

    @Test
    void anotherModelTypeIsRefusedByNameBeforeTheWeightsAreFetched() throws IOException {
        String config = Files.readString(FIXTURE.resolve("config.json")).replace("\"model_type\": \"gpt2\"",
                "\"model_type\": \"llama\"");
        server.repo("tiny/llama").commit(Map.of("config.json", config.getBytes(StandardCharsets.UTF_8),
                "model.safetensors", Files.readAllBytes(FIXTURE.resolve("model.safetensors"))));
        IOException e = assertThrows(IOException.class, () -> GPT.fromPretrained("tiny/llama", hub(false)));
        assertTrue(e.getMessage().contains("model_type is \"llama\""), e.getMessage());
        assertTrue(server.requests().stream().noneMatch(r -> r.path().contains("safetensors")), server.requests()::toString);
    }

    @Test
    void aConfigFarLargerThanItsWeightsIsRefusedBeforeTheDownload() throws IOException {
        String config = Files.readString(FIXTURE.resolve("config.json")).replace("\"n_layer\": 2", "\"n_layer\": 200");
        server.repo("tiny/liar").commit(Map.of("config.json", config.getBytes(StandardCharsets.UTF_8),
                "model.safetensors", Files.readAllBytes(FIXTURE.resolve("model.safetensors"))));
        IOException e = assertThrows(IOException.class, () -> GPT.fromPretrained("tiny/liar", hub(false)));
        assertTrue(e.getMessage().contains("too small") && e.getMessage().contains("not downloaded"), e.getMessage());
        assertTrue(server.requests().stream().noneMatch(r -> r.path().startsWith("/cdn/")), server.requests()::toString);
    }

    @Test
    void aTokenizerJsonAloneGivesTheSameIds() throws IOException {
        server.publish("tiny/json-tokenizer", FIXTURE, "vocab.json", "merges.txt", "pytorch_model.bin");
        Tokenizer tok = Tokenizer.fromPretrained("tiny/json-tokenizer", hub(false));
        int[] want = new ObjectMapper().convertValue(expected().get("ids"), int[].class);
        assertEquals(java.util.Arrays.toString(want),
                java.util.Arrays.toString(tok.encode(expected().get("prompt").asText())));
        assertEquals(Map.of("<|endoftext|>", 0), tok.specialTokens());
    }

    /**
     * A cache as huggingface_hub lays it out (hf_hub_download of each file of the repository):
     * small files as blobs named by their Git blob hash, the safetensors by its sha256, relative
     * links in snapshots/COMMIT, refs/main, a .no_exist marker and the lock files in .locks. It is
     * read as it is, with the Hub unreachable and offline.
     */
    @Test
    void aCacheLaidOutByHuggingFaceHubIsReadAsItIs() throws IOException {
        server.close();
        String pythonCommit = "4fa3a3c4b3e7f4d3f2c1b0a9e8d7c6b5a4f3e2d1";
        Path repo = cache.resolve("models--openai-community--tiny-gpt2");
        Map<String, String> etags = new LinkedHashMap<>();
        for (String file : List.of("config.json", "model.safetensors", "merges.txt", "tokenizer.json", "vocab.json")) {
            byte[] bytes = Files.readAllBytes(FIXTURE.resolve(file));
            String etag = HubTestServer.isLfs(file) ? HubTestServer.sha256(bytes) : HubTestServer.gitBlobSha1(bytes);
            etags.put(file, etag);
            Files.createDirectories(repo.resolve("blobs"));
            Files.write(repo.resolve("blobs").resolve(etag), bytes);
            Path link = repo.resolve("snapshots").resolve(pythonCommit).resolve(file);
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("..", "..", "blobs", etag));
            Path lock = cache.resolve(".locks").resolve("models--openai-community--tiny-gpt2").resolve(etag + ".lock");
            Files.createDirectories(lock.getParent());
            Files.createFile(lock);
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), pythonCommit);               // no newline, as Python writes it
        Files.createDirectories(repo.resolve(".no_exist").resolve(pythonCommit));
        Files.createFile(repo.resolve(".no_exist").resolve(pythonCommit).resolve("added_tokens.json"));

        assertTransformersLogits(GPT.fromPretrained("openai-community/tiny-gpt2", hub(true)));
        assertTransformersLogits(GPT.fromPretrained("openai-community/tiny-gpt2", hub(false)));   // Hub gone
        assertTransformersLogits(GPT.fromPretrained("openai-community/tiny-gpt2@" + pythonCommit, hub(false)));
        int[] want = new ObjectMapper().convertValue(expected().get("ids"), int[].class);
        assertEquals(java.util.Arrays.toString(want), java.util.Arrays.toString(
                Tokenizer.fromPretrained("openai-community/tiny-gpt2", hub(true)).encode(expected().get("prompt").asText())));
        try (var blobs = Files.list(repo.resolve("blobs"))) {
            assertEquals(etags.size(), blobs.count(), "nothing was added to the cache");
        }
    }
}
