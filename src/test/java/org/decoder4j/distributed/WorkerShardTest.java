package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerShardTest {

    @Test
    void workerWTakesRowsWTimesBOverNOfEachMicroBatch() {
        long[][] step = {{10, 11, 12, 13, 14, 15, 16, 17}, {20, 21, 22, 23, 24, 25, 26, 27}};
        List<WorkerShard> shards = WorkerShard.split(step, 2);
        assertEquals(2, shards.size());
        assertArrayEquals(new long[][] {{10, 11, 12, 13}, {20, 21, 22, 23}}, shards.get(0).starts());
        assertArrayEquals(new long[][] {{14, 15, 16, 17}, {24, 25, 26, 27}}, shards.get(1).starts());
        assertArrayEquals(new int[] {8, 8}, shards.get(1).batchRows());
        assertEquals(1, shards.get(1).worker());
        assertEquals(8, shards.get(0).windows());
    }

    @Test
    void aShortLastBatchIsSplitAsEvenlyAsItCanBe() {
        long[][] step = {{1, 2, 3}};                      // the end of a shuffled epoch: 3 rows for 4 workers
        List<WorkerShard> shards = WorkerShard.split(step, 4);
        assertArrayEquals(new long[] {}, shards.get(0).starts()[0]);
        assertArrayEquals(new long[] {1}, shards.get(1).starts()[0]);
        assertArrayEquals(new long[] {2}, shards.get(2).starts()[0]);
        assertArrayEquals(new long[] {3}, shards.get(3).starts()[0]);
        assertArrayEquals(new int[] {3}, shards.get(0).batchRows());
    }

    @Test
    void workersMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WorkerShard.split(new long[][] {{1}}, 0));
        assertEquals("workers must be positive, got 0", e.getMessage());
    }
}
