package org.decoder4j.data.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.decoder4j.data.tokens.TokenDataset;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

class WindowSamplersTest {

    /** Tokens 100, 101, ..., so a token's value tells its position. */
    private static TokenDataset ramp(int size) {
        return TokenDataset.of(IntStream.range(100, 100 + size).toArray());
    }

    private static long[][] rows(Batch batch, boolean targets) {
        long[] flat = (targets ? batch.targets() : batch.inputs()).data().asLong();
        long[][] rows = new long[batch.batchSize()][];
        for (int b = 0; b < rows.length; b++) {
            rows[b] = Arrays.copyOfRange(flat, b * batch.contextLength(), (b + 1) * batch.contextLength());
        }
        return rows;
    }

    @Test
    void batchesAreInt64WithTargetsShiftedByOne() {
        Batch batch = Batch.ofWindows(ramp(20), new long[] {0, 15}, 4);
        assertEquals(DataType.INT64, batch.inputs().dataType());
        assertEquals(DataType.INT64, batch.targets().dataType());
        assertArrayEquals(new long[] {2, 4}, batch.inputs().shape());
        assertEquals(2, batch.batchSize());
        assertEquals(4, batch.contextLength());
        assertArrayEquals(new long[][] {{100, 101, 102, 103}, {115, 116, 117, 118}}, rows(batch, false));
        assertArrayEquals(new long[][] {{101, 102, 103, 104}, {116, 117, 118, 119}}, rows(batch, true));
        assertThrows(IndexOutOfBoundsException.class, () -> Batch.ofWindows(ramp(20), new long[] {16}, 4));
    }

    @Test
    void randomWindowsAreDeterministicBySeedAndCoverTheWholeRange() {
        TokenDataset data = ramp(12);                                      // offsets in [0, 8)
        RandomWindows a = new RandomWindows(data, 4, 4, 1337);
        RandomWindows b = new RandomWindows(data, 4, 4, 1337);
        boolean[] seen = new boolean[8];
        List<long[][]> first = new ArrayList<>();
        for (int k = 0; k < 200; k++) {
            Batch x = a.next();
            Batch y = b.next();
            long[][] inputs = rows(x, false);
            assertArrayEquals(inputs, rows(y, false));
            long[][] targets = rows(x, true);
            for (int r = 0; r < 4; r++) {
                long offset = inputs[r][0] - 100;
                assertTrue(offset >= 0 && offset < 8, "offset " + offset);
                seen[(int) offset] = true;
                for (int t = 0; t < 4; t++) {
                    assertEquals(100 + offset + t, inputs[r][t]);
                    assertEquals(inputs[r][t] + 1, targets[r][t]);
                }
            }
            if (k < 3) {
                first.add(inputs);
            }
        }
        for (boolean s : seen) {
            assertTrue(s, "every offset in [0, size - T) is drawn, including size - T - 1");
        }
        assertEquals(200, a.position());

        a.seek(1);
        assertArrayEquals(first.get(1), rows(a.next(), false));
        assertArrayEquals(first.get(2), rows(a.next(), false));
        assertArrayEquals(a.offsets(7), new RandomWindows(data, 4, 4, 1337).offsets(7));
        RandomWindows otherSeed = new RandomWindows(data, 4, 4, 1338);
        assertFalse(IntStream.range(0, 5).allMatch(k -> Arrays.equals(a.offsets(k), otherSeed.offsets(k))));
    }

    @Test
    void sequentialWindowsWalkTheDataAndWrapAround() {
        SequentialWindows s = new SequentialWindows(ramp(23), 3, 4);     // n = floor(22 / 4) = 5
        assertEquals(5, s.windowCount());
        long[][] call0 = rows(s.next(), false);
        assertArrayEquals(new long[][] {{100, 101, 102, 103}, {104, 105, 106, 107}, {108, 109, 110, 111}}, call0);
        Batch call1 = s.next();                                           // windows 3, 4, 0
        assertArrayEquals(new long[][] {{112, 113, 114, 115}, {116, 117, 118, 119}, {100, 101, 102, 103}},
                rows(call1, false));
        assertArrayEquals(new long[][] {{113, 114, 115, 116}, {117, 118, 119, 120}, {101, 102, 103, 104}},
                rows(call1, true));
        assertEquals(2, s.position());

        SequentialWindows resumed = new SequentialWindows(ramp(23), 3, 4);
        resumed.seek(7);                                                  // windows 21 mod 5 = 1, 2, 3
        assertArrayEquals(new long[] {104, 108, 112}, Arrays.stream(rows(resumed.next(), false))
                .mapToLong(r -> r[0]).toArray());
        assertEquals(8, resumed.position());
    }

    @Test
    void consecutiveWindowsYieldEveryWindowOnceWithASmallerLastBatch() {
        ConsecutiveWindows windows = new ConsecutiveWindows(ramp(23), 2, 4);   // 5 windows, remainder 2 dropped
        assertEquals(5, windows.windowCount());
        assertEquals(3, windows.batchCount());
        assertEquals(20, windows.tokenCount());
        List<Long> starts = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (Batch batch : windows) {
            sizes.add(batch.batchSize());
            long[][] inputs = rows(batch, false);
            long[][] targets = rows(batch, true);
            for (int r = 0; r < inputs.length; r++) {
                starts.add(inputs[r][0] - 100);
                assertEquals(inputs[r][3] + 1, targets[r][3]);
            }
        }
        assertEquals(List.of(2, 2, 1), sizes);
        assertEquals(List.of(0L, 4L, 8L, 12L, 16L), starts);
        // exactly T + 1 tokens: one window
        assertEquals(1, new ConsecutiveWindows(ramp(5), 8, 4).windowCount());
    }

    @Test
    void dataTooShortForOneWindowIsRefusedClearly() {
        TokenDataset four = ramp(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SequentialWindows(four, 2, 4));
        assertEquals("in-memory tokens has 4 tokens; a window of 4 inputs and their targets needs at least 5",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RandomWindows(four, 2, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConsecutiveWindows(four, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> new RandomWindows(ramp(10), 0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomWindows(ramp(10), 2, 0, 1));
    }
}
