package org.decoder4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.GeneratedPlay;

/** Runs the fine-tuning examples for a few steps on the start of Tiny Shakespeare, so that they keep working. */
class FineTuningExamplesTest {

    @TempDir
    Path dir;

    private Path corpus() throws Exception {
        String text = GeneratedPlay.text(60_000, 1);
        return Files.writeString(dir.resolve("shakespeare.txt"), text);
    }

    private static String run(ThrowingMain main) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(stdout);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private interface ThrowingMain {
        void run() throws Exception;
    }

    @Test
    void dialogueFinetuningWritesItsSplitsAndReportsTheHeldOutLoss() throws Exception {
        Path corpus = corpus();
        Path out = dir.resolve("sft");
        String printed = run(() -> ShakespeareDialogueFinetuning.main(
                new String[] {corpus.toString(), out.toString(), "3", "3"}));
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("held-out reply loss: before ")), printed);
        assertTrue(Files.size(out.resolve("train.jsonl")) > Files.size(out.resolve("heldout.jsonl")));
        assertTrue(Files.isRegularFile(out.resolve("sft/model.safetensors")));
    }

    @Test
    void ppoExampleWritesTheStepLogAndTheCurve() throws Exception {
        Path corpus = corpus();
        Path out = dir.resolve("ppo");
        String printed = run(() -> ShakespearePpo.main(new String[] {corpus.toString(), out.toString(), "2", "the", "3"}));
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("mean reward, first 20 steps -> last 20: PPO ")), printed);
        assertEquals(3, Files.readAllLines(out.resolve("rl-steps.csv")).size());
        byte[] png = Files.readAllBytes(out.resolve("reward-curve.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
    }
}
