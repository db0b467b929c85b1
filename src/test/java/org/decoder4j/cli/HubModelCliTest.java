package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.hub.HubSettings;
import org.decoder4j.hub.HubTestServer;
import org.decoder4j.hub.HuggingFaceHub;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --model hf:ORG/NAME[@REV]} on the command line, against an in-process Hub. */
class HubModelCliTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/hub/tiny-gpt2");

    @TempDir
    Path tmp;

    HubTestServer server;
    String commit;
    Map<String, String> env;

    @BeforeEach
    void serve() throws IOException {
        server = HubTestServer.start();
        commit = server.publish("tiny/gpt2", FIXTURE);
        env = Map.of("HF_ENDPOINT", server.endpoint().toString(), "HF_HUB_CACHE", tmp.resolve("hub").toString());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sampleFromAHubRepositoryPrintsWhatTheGeneratorGives() throws IOException {
        Cli.Result r = Cli.runWithEnvironment(env, "sample", "--model", "hf:tiny/gpt2", "--prompt", "ROMEO:",
                "--max-new-tokens", 12, "--seed", 5);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.err().contains("model.safetensors") && r.err().contains("MB/s"), "a progress bar: " + r.err());

        HuggingFaceHub hub = new HuggingFaceHub(new HubSettings(server.endpoint(), tmp.resolve("hub"), true, null));
        GPT gpt = GPT.fromPretrained("tiny/gpt2", hub);
        Tokenizer tok = Tokenizer.fromPretrained("tiny/gpt2", hub);
        String text = Generator.of(gpt, tok).generate("ROMEO:", new Sampling(0.8, 200, 1, 1, 5), 12);
        assertTrue(text.startsWith("ROMEO:") && text.length() > "ROMEO:".length(), text);
        assertEquals(text + System.lineSeparator(), r.out());

        // pinned to the commit, offline, with the server gone: the same text from the cache
        server.close();
        Map<String, String> offline = Map.of("HF_HUB_OFFLINE", "1", "HF_HUB_CACHE", tmp.resolve("hub").toString());
        Cli.Result again = Cli.runWithEnvironment(offline, "sample", "--model", "hf:tiny/gpt2@" + commit,
                "--prompt", "ROMEO:", "--max-new-tokens", 12, "--seed", 5);
        assertEquals(0, again.exit(), again::toString);
        assertEquals(r.out(), again.out());
    }

    @Test
    void evalScoresAHubModelAsTheEvaluatorDoes() throws IOException {
        ByteBuffer ids = ByteBuffer.allocate(2 * 200).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 200; i++) {
            ids.putShort((short) ((i * 37) % 300));
        }
        Path tokens = Files.write(tmp.resolve("val.bin"), ids.array());
        Cli.Result r = Cli.runWithEnvironment(env, "eval", "--model", "hf:tiny/gpt2", "--data", tokens, "--json");
        assertEquals(0, r.exit(), r::toString);
        GPT gpt = GPT.fromPretrained("tiny/gpt2",
                new HuggingFaceHub(new HubSettings(server.endpoint(), tmp.resolve("hub"), true, null)));
        EvalResult want = Evaluator.of(gpt).contextLength(32).batchSize(32).evaluate(TokenDataset.open(tokens));
        double loss = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out()).get("loss").asDouble();
        assertEquals(want.loss(), loss, 1e-12);
    }

    @Test
    void offlineWithoutTheModelIsOneLineNamingIt() {
        Map<String, String> offline = Map.of("HF_HUB_OFFLINE", "1", "HF_HUB_CACHE", tmp.resolve("empty").toString());
        Cli.Result r = Cli.runWithEnvironment(offline, "sample", "--model", "hf:tiny/gpt2");
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("HF_HUB_OFFLINE=1") && r.err().contains("config.json")
                && r.err().contains("tiny/gpt2@main"), r.err());
    }

    @Test
    void aPickleOnlyRepositoryIsRefusedInOneLine() throws IOException {
        server.publish("tiny/pickle-only", FIXTURE, "model.safetensors");
        Cli.Result r = Cli.runWithEnvironment(env, "sample", "--model", "hf:tiny/pickle-only");
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.err().contains("pytorch_model.bin") && r.err().contains("safe_serialization=True"), r.err());
    }
}
