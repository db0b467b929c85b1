package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.ConsecutiveWindows;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The layout of sliding windows, without a model. */
class SlidingWindowsTest {

    /** Tokens 0, 1, ..., n−1: a target's value is its position in the data. */
    private static TokenDataset positions(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i;
        }
        return TokenDataset.of(ids);
    }

    @ParameterizedTest(name = "N={0} T={1} S={2} B={3}")
    @CsvSource({"250, 16, 6, 4", "250, 16, 16, 4", "250, 16, 1, 32", "250, 10, 4, 3", "17, 16, 5, 2", "9, 16, 3, 2",
                "2, 4, 4, 1", "100, 7, 7, 3"})
    void everyTargetIsScoredOnceWithTheStatedHistory(int n, int t, int s, int b) {
        SlidingWindows windows = new SlidingWindows(positions(n), b, t, s);
        List<Long> scored = new ArrayList<>();
        long window = 0;
        for (Batch batch : windows) {
            try (batch) {
                assertEquals(t, batch.contextLength());
                long[][] inputs = batch.inputs().toLongMatrix();
                long[][] targets = batch.targets().toLongMatrix();
                for (int r = 0; r < inputs.length; r++, window++) {
                    long begin = window * s;
                    for (int j = 0; j < t; j++) {
                        long target = targets[r][j];
                        if (target == Loss.IGNORE_INDEX) {
                            continue;
                        }
                        assertEquals(begin + j, inputs[r][j], "input before target " + target);
                        assertEquals(begin + j + 1, target, "target position");
                        assertTrue(window == 0 || j + 1 >= t - s + 1,
                                "target " + target + " in window " + window + " sees only " + (j + 1) + " tokens");
                        scored.add(target);
                    }
                }
            }
        }
        assertEquals(windows.windowCount(), window);
        List<Long> expected = new ArrayList<>();
        for (long i = 1; i < n; i++) {
            expected.add(i);
        }
        assertEquals(expected, scored, "each of tokens 1..N-1 once, in order");
        assertEquals(n - 1, windows.tokenCount());
    }

    @Test
    void scoredTargetsPerBatchAreThoseOfTheReference() throws IOException {
        Path fixture = Path.of("src/test/resources/fixtures/eval");
        TokenDataset tokens = TokenDataset.open(fixture.resolve("tokens.bin"));
        JsonNode cases = new ObjectMapper().readTree(fixture.resolve("expected.json").toFile()).get("sliding");
        for (JsonNode c : cases) {
            SlidingWindows windows = new SlidingWindows(tokens, c.get("batch_size").asInt(), c.get("context").asInt(),
                    c.get("stride").asInt());
            assertEquals(c.get("windows").asLong(), windows.windowCount(), c.toString());
            List<Long> perBatch = new ArrayList<>();
            for (Batch batch : windows) {
                try (batch) {
                    perBatch.add(batch.targets().neq(Loss.IGNORE_INDEX).castTo(org.nd4j.linalg.api.buffer.DataType.INT64)
                            .sumNumber().longValue());
                }
            }
            List<Long> want = new ArrayList<>();
            c.get("batch_tokens").forEach(x -> want.add(x.asLong()));
            assertEquals(want, perBatch, "scored targets per batch, " + c);
        }
    }

    @Test
    void strideEqualToTheContextGivesTheConsecutiveWindows() {
        TokenDataset data = positions(8 * 6 + 1);                 // 6 whole windows, no remainder
        SlidingWindows sliding = new SlidingWindows(data, 4, 8, 8);
        ConsecutiveWindows consecutive = new ConsecutiveWindows(data, 4, 8);
        assertEquals(consecutive.batchCount(), sliding.batchCount());
        for (long i = 0; i < sliding.batchCount(); i++) {
            try (Batch a = sliding.batch(i); Batch c = consecutive.batch(i)) {
                assertArrayEquals(c.inputs().toLongMatrix(), a.inputs().toLongMatrix());
                assertArrayEquals(c.targets().toLongMatrix(), a.targets().toLongMatrix());
            }
        }
    }

    @Test
    void aShortLastWindowIsPaddedWithIgnoredTargets() {
        try (Batch only = new SlidingWindows(positions(5), 2, 8, 8).batch(0)) {
            assertArrayEquals(new long[][] {{0, 1, 2, 3, 0, 0, 0, 0}}, only.inputs().toLongMatrix());
            assertArrayEquals(new long[][] {{1, 2, 3, 4, -100, -100, -100, -100}}, only.targets().toLongMatrix());
        }
    }
}
