package org.decoder4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;

/** The low-level loop and the fluent trainer of the example take the same steps. */
class ClassicTrainingLoopTest {

    @Test
    void lowLevelAndFluentLoopsGiveTheSameLosses() {
        TokenDataset train = TokenDataset.of(IntStream.range(0, 3000).map(i -> (i * 7 + i / 13) % 20).toArray());
        TokenDataset val = TokenDataset.of(IntStream.range(0, 300).map(i -> (i * 7 + i / 13) % 20).toArray());
        GPT a = GPT.builder().vocabSize(20).contextLength(64).layers(1).heads(2).embeddingSize(16).seed(1).build();
        GPT b = GPT.builder().vocabSize(20).contextLength(64).layers(1).heads(2).embeddingSize(16).seed(1).build();
        List<Double> manual = ClassicTrainingLoop.lowLevel(a, train, val, 2);
        List<Double> fluent = ClassicTrainingLoop.fluent(b, train, val, 2);
        assertEquals(4, manual.size(), "46 windows of 64 in batches of 32: two batches per epoch, two epochs");
        assertEquals(manual, fluent);
        assertTrue(manual.get(3) < manual.get(0), "the loss falls: " + manual);
    }
}
