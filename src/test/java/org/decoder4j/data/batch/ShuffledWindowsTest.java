package org.decoder4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.decoder4j.data.tokens.TokenDataset;
import org.junit.jupiter.api.Test;

class ShuffledWindowsTest {

    /** 10 windows of 4 tokens (41 tokens: the last window needs one more for its target). */
    private static final TokenDataset DATA = TokenDataset.of(IntStream.range(0, 41).toArray());

    private static List<Long> firstTokens(Iterable<Batch> epoch, List<Integer> sizes) {
        List<Long> starts = new ArrayList<>();
        for (Batch batch : epoch) {
            sizes.add(batch.batchSize());
            long[] inputs = batch.inputs().data().asLong();
            long[] targets = batch.targets().data().asLong();
            for (int b = 0; b < batch.batchSize(); b++) {
                starts.add(inputs[b * 4]);
                assertEquals(inputs[b * 4] + 1, targets[b * 4], "targets shifted by one");
            }
        }
        return starts;
    }

    @Test
    void everyWindowOncePerEpochInASeededOrder() {
        ShuffledWindows loader = new ShuffledWindows(DATA, 3, 4, 7, false);
        assertEquals(10, loader.windowCount());
        assertEquals(4, loader.batchesPerEpoch());
        List<Integer> sizes = new ArrayList<>();
        List<Long> epoch0 = firstTokens(loader.epoch(0), sizes);
        assertEquals(List.of(3, 3, 3, 1), sizes, "the last batch has the windows left over");
        assertEquals(new TreeSet<>(List.of(0L, 4L, 8L, 12L, 16L, 20L, 24L, 28L, 32L, 36L)), new TreeSet<>(epoch0));
        List<Long> epoch1 = firstTokens(loader.epoch(1), new ArrayList<>());
        assertNotEquals(epoch0, epoch1, "a new order each epoch");
        assertEquals(epoch0, firstTokens(new ShuffledWindows(DATA, 3, 4, 7, false).epoch(0), new ArrayList<>()),
                "the same seed gives the same order");
        assertNotEquals(epoch0, firstTokens(new ShuffledWindows(DATA, 3, 4, 8, false).epoch(0), new ArrayList<>()));
    }

    @Test
    void dropLastKeepsFullBatchesOnly() {
        ShuffledWindows loader = new ShuffledWindows(DATA, 3, 4, 7, true);
        List<Integer> sizes = new ArrayList<>();
        firstTokens(loader.epoch(0), sizes);
        assertEquals(List.of(3, 3, 3), sizes);
    }

    @Test
    void samplerPositionsRunThroughTheEpochsAndSeekResumes() {
        ShuffledWindows loader = new ShuffledWindows(DATA, 3, 4, 7, true);
        List<long[]> expected = new ArrayList<>();
        for (int e = 0; e < 2; e++) {
            for (Batch b : loader.epoch(e)) {
                expected.add(b.inputs().data().asLong());
            }
        }
        ShuffledWindows sampler = new ShuffledWindows(DATA, 3, 4, 7, true);
        for (int p = 0; p < expected.size(); p++) {
            assertArrayEquals(expected.get(p), sampler.next().inputs().data().asLong(), "position " + p);
        }
        sampler.seek(4);
        assertArrayEquals(expected.get(4), sampler.next().inputs().data().asLong());
    }

    @Test
    void rejectsDataWithoutAFullBatchWhenDroppingTheLast() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShuffledWindows(DATA, 11, 4, 7, true));
        assertEquals(true, e.getMessage().contains("fewer than one batch"), e.getMessage());
    }
}
