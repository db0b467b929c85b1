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

/** Runs the Spark example for a few steps in local mode, so that the test command keeps it working. */
class ShakespeareOnSparkTest {

    @TempDir
    Path dir;

    @Test
    void runsBriefly() throws Exception {
        String text = GeneratedPlay.text(100_000, 1);
        Path corpus = Files.writeString(dir.resolve("shakespeare.txt"), text);

        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            ShakespeareOnSpark.main(new String[] {corpus.toString(), "8", dir.resolve("run").toString(), "local[2]",
                "2"});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("steps 8 on local[2] with 2 workers")), printed);
        assertTrue(printed.contains("ROMEO:"), printed);
        assertTrue(Files.isRegularFile(dir.resolve("run/model/model.safetensors")));
        assertTrue(Files.isDirectory(dir.resolve("run/model/checkpoints/step-8")));
    }
}
