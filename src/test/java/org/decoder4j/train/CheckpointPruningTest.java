package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruning and a fresh start never lose the current run's checkpoints to another run's. */
class CheckpointPruningTest {

    @TempDir
    Path tmp;

    private Path fakeCheckpoint(long step) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("checkpoints").resolve("step-" + step));
        Files.writeString(dir.resolve(TrainingCheckpoint.STATE_FILE), "{}");
        return dir;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void checkpointsBeyondTheCurrentStepNeverPushOutTheCurrentRuns() throws IOException {
        for (long step : new long[] {395, 400, 405, 5, 10, 15}) {
            fakeCheckpoint(step);
        }
        TrainingCheckpoint.prune(tmp.resolve("checkpoints"), 2, 15);
        assertEquals(List.of("step-10", "step-15", "step-395", "step-400", "step-405"), names());
    }

    @Test
    void aFreshTrainerRunRefusesAnotherRunsCheckpoints() throws IOException {
        fakeCheckpoint(400);
        GPT model = GPT.builder().vocabSize(5).contextLength(4).layers(1).heads(1).embeddingSize(4).seed(1).build();
        int[] tokens = new int[50];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.forModel(model)
                .data(TokenDataset.of(tokens), null).batchSize(2).steps(3).checkpointDir(tmp).checkpointEvery(1)
                .fit());
        assertTrue(e.getMessage().contains("checkpoints of another run") && e.getMessage().contains("step-400"),
                e.getMessage());
        assertEquals(List.of("step-400"), names());
    }
}
