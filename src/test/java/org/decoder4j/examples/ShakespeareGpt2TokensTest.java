package org.decoder4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.GeneratedPlay;

/** Runs the GPT-2 token example for a few steps, so that the test command keeps it working. */
class ShakespeareGpt2TokensTest {

    @TempDir
    Path dir;

    @Test
    void runsBriefly() throws Exception {
        // The first 100,000 characters: scoring the validation split over 50,257 logits takes a moment.
        String text = GeneratedPlay.text(100_000, 1);
        Path corpus = Files.writeString(dir.resolve("shakespeare.txt"), text);
        int[] train = Gpt2Tokenizer.standard().encode(text.substring(0, 90_000));
        int[] val = Gpt2Tokenizer.standard().encode(text.substring(90_000));
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ShakespeareGpt2Tokens.main(new String[] {corpus.toString(), "2", dir.resolve("run").toString()});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        String counts = "train " + train.length + " tokens, val " + val.length + " tokens";
        assertTrue(printed.lines().anyMatch(counts::equals), printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("steps 2, median step")), printed);
        assertTrue(printed.contains("ROMEO:"), printed);
        assertTrue(Files.isRegularFile(dir.resolve("run/model/model.safetensors")));
        assertEquals("{\"type\":\"gpt2\"}", Files.readString(dir.resolve("run/model/tokenizer.json")));
    }
}
