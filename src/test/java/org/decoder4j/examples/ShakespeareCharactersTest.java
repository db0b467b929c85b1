package org.decoder4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.GeneratedPlay;

/** Runs the Shakespeare example program for a few steps, so that the test command keeps it working. */
class ShakespeareCharactersTest {

    @TempDir
    Path dir;

    @Test
    void runsBriefly() throws Exception {
        // The first 100,000 characters: the validation split (10,000 tokens) is scored in a moment.
        String text = GeneratedPlay.text(100_000, 1);
        Path corpus = Files.writeString(dir.resolve("shakespeare.txt"), text);

        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ShakespeareCharacters.main(new String[] {corpus.toString(), "20", dir.resolve("run").toString()});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("steps 20, median step")), printed);
        assertTrue(printed.contains("ROMEO:"), printed);
        assertTrue(Files.isRegularFile(dir.resolve("run/model/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("run/model/tokenizer.json")));
    }
}
