package org.decoder4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.Supplier;
import org.decoder4j.data.tokens.TokenDataset;
import org.junit.jupiter.api.Test;

/** The factories of {@link BatchSampler} and {@link EvaluationWindows} are the classes they name. */
class SamplerFactoriesTest {

    private static TokenDataset tokens() {
        int[] t = new int[200];
        for (int i = 0; i < t.length; i++) {
            t[i] = (i * 7 + i / 5) % 13;
        }
        return TokenDataset.of(t);
    }

    private static void sameBatches(Supplier<BatchSampler> a, Supplier<BatchSampler> b) {
        BatchSampler x = a.get();
        BatchSampler y = b.get();
        for (int k = 0; k < 5; k++) {
            try (Batch p = x.next(); Batch q = y.next()) {
                assertArrayEquals(q.inputs().data().asLong(), p.inputs().data().asLong(), "batch " + k);
                assertArrayEquals(q.targets().data().asLong(), p.targets().data().asLong(), "batch " + k);
            }
        }
    }

    @Test
    void trainingFactoriesDrawTheSameBatches() {
        TokenDataset d = tokens();
        sameBatches(() -> BatchSampler.random(d, 3, 8, 5), () -> new RandomWindows(d, 3, 8, 5));
        sameBatches(() -> BatchSampler.sequential(d, 3, 8), () -> new SequentialWindows(d, 3, 8));
        sameBatches(() -> BatchSampler.shuffled(d, 3, 8, 5), () -> new ShuffledWindows(d, 3, 8, 5, false));
    }

    @Test
    void consecutiveWindowsCoverTheFileOnce() {
        EvaluationWindows w = EvaluationWindows.consecutive(tokens(), 4, 8);
        assertEquals(24, w.windowCount(), "floor(199 / 8)");
        assertEquals(6, w.batchCount());
        assertEquals(24 * 8, w.tokenCount());
    }
}
