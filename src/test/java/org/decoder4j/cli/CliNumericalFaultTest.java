package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.sft.ChatFile;
import org.decoder4j.sft.ChatMessage;
import org.decoder4j.sft.ChatRole;
import org.decoder4j.sft.Dialogue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A diverging run ends with exit status 3 and one line naming the step; no model is written. */
class CliNumericalFaultTest {

    @TempDir
    static Path dir;

    static Path data;

    @BeforeAll
    static void prepare() throws Exception {
        data = Cli.preparedPlay(dir);
    }

    private static void diverged(Cli.Result r, Path out) {
        assertEquals(Main.DIVERGED, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().matches("(?s).*diverged at .*step \\d+.*"), r::toString);
        assertFalse(Files.exists(out.resolve("model.safetensors")), "no model from a diverged run");
    }

    @Test
    void trainWithAHugeLearningRateStops() {
        Path out = dir.resolve("lr");
        diverged(Cli.run("train", "--data", data, "--out", out, "--steps", 40, "--lr", "1e6", "--optimizer", "sgd",
                "--grad-clip", 0, "--layers", 1, "--embd", 16, "--heads", 2, "--context", 16, "--batch-size", 2,
                "--eval-every", 5, "--checkpoint-every", 5, "--sample-tokens", 0), out);
    }

    @Test
    void fp16WithAHugeLearningRateStops() {
        Path out = dir.resolve("fp16");
        diverged(Cli.run("train", "--data", data, "--out", out, "--steps", 40, "--lr", "1e6", "--precision", "fp16",
                "--max-skipped-steps", 4, "--layers", 1, "--embd", 16, "--heads", 2, "--context", 16,
                "--batch-size", 2, "--eval-every", 5, "--sample-tokens", 0), out);
    }

    @Test
    void finetuneWithAHugeLearningRateStops() throws Exception {
        Path model = dir.resolve("model");
        CharTokenizer tok = CharTokenizer.fit("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:,.?!' \n");
        GPT.builder().vocabSize(tok.vocabSize()).contextLength(48).layers(1).heads(2).embeddingSize(16).seed(2)
                .build().save(model);
        tok.save(model);
        Path chat = dir.resolve("chat.jsonl");
        ChatFile.write(chat, List.of(new Dialogue(List.of(new ChatMessage(ChatRole.USER, "Who's there?", "BERNARDO"),
                new ChatMessage(ChatRole.ASSISTANT, "Nay, answer me.", "FRANCISCO")))));
        Path out = dir.resolve("tuned");
        diverged(Cli.run("finetune", "--model", model, "--sft", chat, "--out", out, "--steps", 40,
                "--template", "speaker", "--batch-size", 1, "--lr", "1e6", "--grad-clip", 0), out);
    }

    @Test
    void negativeAllowancesAreUsageErrors() {
        Cli.Result r = Cli.run("train", "--data", data, "--out", dir.resolve("neg"), "--max-bad-steps", -1);
        assertEquals(Main.USAGE, r.exit(), r::toString);
        assertTrue(r.err().contains("--max-bad-steps"), r::toString);
    }
}
