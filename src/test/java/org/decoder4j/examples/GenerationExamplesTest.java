package org.decoder4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the generation examples on tiny random models, so that the test command keeps them working. */
class GenerationExamplesTest {

    @TempDir
    Path dir;

    @Test
    void streamingSamplePrintsThePromptItsContinuationAndWhyItEnded() throws Exception {
        CharTokenizer tok = CharTokenizer.fit("ROMEO:abcdefgh \n");
        GPT model = GPT.builder().vocabSize(tok.vocabSize()).contextLength(16).layers(1).heads(2).embeddingSize(8).build();
        model.save(dir);
        tok.save(dir);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            StreamingSample.main(new String[] {dir.toString(), "ROMEO:"});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("ROMEO:"), printed);
        assertTrue(printed.matches("(?s).*\\[\\d+ tokens, ended by (MAX_NEW_TOKENS|STOP_SEQUENCE)]\\R"), printed);
    }

    @Test
    void generationSpeedFillsTheContextBothWays() {
        GPT model = GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(1).embeddingSize(8).build();
        GenerationSpeed.Speed s = GenerationSpeed.measure(model);
        assertEquals(7, s.tokens());
        for (GenerationSpeed.Rate r : new GenerationSpeed.Rate[] {s.cached(), s.fullWindow()}) {
            assertTrue(r.overall() > 0 && r.lastQuarter() > 0 && r.perCpuSecond() > 0 && Double.isFinite(r.lastQuarter()), s::toString);
        }
    }
}
