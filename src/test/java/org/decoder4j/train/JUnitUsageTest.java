package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.junit.jupiter.api.Test;

/** The JUnit example of docs/java-users.md, as printed there, so that the page stays true. */
class JUnitUsageTest {

    @Test
    void aTinyModelLearnsARepeatingPattern() {
        int[] tokens = new int[2000];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 7;
        }
        GPT model = GPT.builder().vocabSize(7).contextLength(16).layers(1).heads(2).embeddingSize(32).build();
        TrainingReport report = Trainer.forModel(model)
                .data(TokenDataset.of(tokens))          // no validation set
                .batchSize(8).steps(60)
                .optimizer(AdamW.lr(1e-2))
                .fit();
        double[] losses = report.history().stepLosses();
        assertTrue(losses[59] < losses[0] / 2, Arrays.toString(losses));
    }
}
