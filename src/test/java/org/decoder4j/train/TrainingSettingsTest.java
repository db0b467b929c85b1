package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {

    private static GPT tiny() {
        return GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(1).embeddingSize(8).seed(3).build();
    }

    private static TokenDataset tokens() {
        int[] t = new int[100];
        for (int i = 0; i < t.length; i++) {
            t[i] = i % 11;
        }
        return TokenDataset.of(t);
    }

    @Test
    void theBuilderCollectsOneImmutableValue() {
        Trainer trainer = Trainer.forModel(tiny()).data(tokens()).batchSize(4).steps(7).seed(9)
                .precision(Precision.FP16_MIXED).gradScaler(new GradScaler(8, 2, 0.5, 2));
        TrainingSettings s = trainer.settings();
        assertEquals(4, s.batchSize());
        assertEquals(7, s.steps());
        assertEquals(8, s.contextLength(), "the model's full context by default");
        assertEquals(Precision.FP16_MIXED, s.precision().precision());
        assertEquals(8.0, s.precision().newScaler().getScale(), 0.0);
        trainer.batchSize(2);
        assertEquals(4, s.batchSize(), "later builder calls do not change settings already taken");
        assertThrows(UnsupportedOperationException.class, () -> s.listeners().add(new TrainingListener() { }));
    }

    @Test
    void inconsistentSettingsAreRefusedBeforeARun() {
        IllegalStateException noData = assertThrows(IllegalStateException.class,
                () -> Trainer.forModel(tiny()).settings());
        assertTrue(noData.getMessage().contains("no training data"), noData.getMessage());
        IllegalStateException custom = assertThrows(IllegalStateException.class,
                () -> Trainer.forModel(tiny()).data(tokens()).sampling(WindowSampling.CUSTOM).settings());
        assertTrue(custom.getMessage().contains("batches(sampler, val)"), custom.getMessage());
        IllegalStateException noDir = assertThrows(IllegalStateException.class,
                () -> Trainer.forModel(tiny()).data(tokens()).checkpointEvery(5).settings());
        assertTrue(noDir.getMessage().contains("checkpointDir"), noDir.getMessage());
        assertFalse(Trainer.forModel(tiny()).data(tokens()).checkpointDir(Path.of("out")).settings()
                .writesCheckpoints(), "no validation and no interval: nothing but the final model");
    }
}
