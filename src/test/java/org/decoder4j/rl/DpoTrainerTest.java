package org.decoder4j.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class DpoTrainerTest {

    private static final CharTokenizer TOK = CharTokenizer.fit("abcde");

    @Test
    void startsAtLogTwoAndLearnsThePreference(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pairs.jsonl");
        Files.writeString(file, "{\"prompt\":\"ab\",\"chosen\":\"cca\",\"rejected\":\"dde\"}\n\n"
                + "{\"prompt\":\"e\",\"chosen\":\"ac\",\"rejected\":\"bd\"}\n");
        List<PreferencePair> pairs = PreferencePair.read(file);
        GPT policy = GPT.builder().vocabSize(5).contextLength(8).layers(1).heads(2).embeddingSize(8).seed(4)
                .dataType(DataType.DOUBLE).build();
        DpoTrainer dpo = DpoTrainer.of(policy, TOK, AdamW.lr(1e-2).weightDecay(0), 0.1);
        DpoTrainer.Stats first = dpo.step(pairs);
        assertEquals(Math.log(2), first.loss(), 1e-12, "policy equal to the reference");
        assertEquals(0.0, first.margin(), 1e-12);
        DpoTrainer.Stats last = first;
        for (int s = 0; s < 20; s++) {
            last = dpo.step(pairs);
        }
        assertTrue(last.loss() < first.loss() - 0.05, "DPO loss " + first.loss() + " -> " + last.loss());
        assertTrue(last.margin() > 0.1, "margin " + last.margin());
        assertEquals(1.0, last.accuracy(), 0);
    }

    @Test
    void aNonFiniteUpdateIsRefusedAndNotApplied() {
        List<PreferencePair> pairs = List.of(new PreferencePair("ab", "cca", "dde"));
        GPT policy = GPT.builder().vocabSize(5).contextLength(8).layers(1).heads(2).embeddingSize(8).seed(4)
                .dataType(DataType.DOUBLE).build();
        DpoTrainer dpo = DpoTrainer.of(policy, TOK, AdamW.lr(1e-2).weightDecay(0), 0.1);
        policy.blocks().get(0).namedParameters().get("mlp.fc.bias").value().putScalar(0, Double.NaN);
        org.nd4j.linalg.api.ndarray.INDArray before = policy.tokenEmbedding().weight().value().dup();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> dpo.step(pairs));
        assertTrue(e.getMessage().startsWith("dpo step 0: loss NaN") && e.getMessage().contains("not applied"),
                e.getMessage());
        assertEquals(before, policy.tokenEmbedding().weight().value(), "the update was not applied");
    }

    @Test
    void malformedPreferenceLinesAreNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "{\"prompt\":\"ab\",\"chosen\":\"c\"}\n");
        IOException e = assertThrows(IOException.class, () -> PreferencePair.read(file));
        assertTrue(e.getMessage().endsWith("line 1: needs a non-empty string field \"rejected\""), e.getMessage());
    }
}
