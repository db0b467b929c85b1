package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes that cannot fit are one-line errors before anything is allocated; generation is not sized by its bound. */
class CliResourceLimitsTest {

    @TempDir
    static Path dir;

    static Path data;
    static Path model;
    static CharTokenizer tokenizer;

    @BeforeAll
    static void prepare() throws Exception {
        data = Cli.preparedPlay(dir);
        tokenizer = CharTokenizer.fit("abcdefghijklmnopqrstuvwxyz ,.");
        model = dir.resolve("model");
        GPT.builder().vocabSize(tokenizer.vocabSize()).contextLength(16).layers(1).heads(2).embeddingSize(8).seed(4)
                .build().save(model);
        tokenizer.save(model);
    }

    private static String oneLine(int exit, Cli.Result r) {
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), r::toString);
        return r.errLines().get(0);
    }

    @Test
    void aHundredThousandLayersAreRefusedNamingTheKey() {
        Path out = dir.resolve("deep");
        String line = oneLine(1, Cli.run("train", "--data", data, "--out", out, "--layers", 100000, "--steps", 1));
        assertTrue(line.contains("n_layer 100000") && line.contains("memory of this machine"), line);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aBillionWindowBatchIsRefused() {
        Path out = dir.resolve("wide");
        String line = oneLine(1, Cli.run("train", "--data", data, "--out", out, "--batch-size", 1000000000,
                "--steps", 1));
        assertTrue(line.contains("batch of 1000000000 windows") && line.contains("smaller batch size"), line);
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void aHugeConfigBesideSmallWeightsIsRefusedByEveryCommand() throws Exception {
        Path huge = dir.resolve("huge");
        Files.createDirectories(huge);
        for (String f : List.of("model.safetensors", "tokenizer.json")) {
            Files.copy(model.resolve(f), huge.resolve(f));
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = (ObjectNode) json.readTree(model.resolve("config.json").toFile());
        config.put("n_layer", 1000000);
        Files.writeString(huge.resolve("config.json"), json.writeValueAsString(config));
        for (Cli.Result r : List.of(
                Cli.run("sample", "--model", huge, "--max-new-tokens", 5),
                Cli.run("eval", "--model", huge, "--data", data.resolve("val.bin")),
                Cli.run("train", "--init", huge, "--data", data, "--out", dir.resolve("from-huge")))) {
            String line = oneLine(1, r);
            assertTrue(line.contains("n_layer 1000000") && line.contains("do not belong together"), line);
        }
    }

    @Test
    void generationIsNotSizedByItsBound() {
        List<Object> args = new ArrayList<>(List.of("sample", "--model", model, "--prompt", "ab"));
        for (char c : "abcdefghijklmnopqrstuvwxyz ,.".toCharArray()) {
            args.add("--stop");
            args.add(String.valueOf(c));
        }
        for (int bound : new int[] {Integer.MAX_VALUE, 2_000_000_000}) {
            List<Object> withBound = new ArrayList<>(args);
            withBound.add("--max-new-tokens");
            withBound.add(bound);
            Cli.Result r = Cli.run(withBound.toArray());
            assertEquals(0, r.exit(), r::toString);
            assertEquals("ab", r.out().strip(), "stopped at the first token: " + r);
        }
    }
}
