package org.decoder4j.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One worker's part of a training step: for each micro-batch, the start offsets of the windows
 * this worker computes, and how many windows the whole micro-batch has (to weight its loss).
 *
 * <pre>{@code
 * long[][] step = {sampler.nextStarts()};                    // one micro-batch of 8 windows
 * List<WorkerShard> shards = WorkerShard.split(step, 2);     // rows 0-3 and rows 4-7
 * }</pre>
 *
 * @param worker    index of the worker, from 0
 * @param starts    {@code starts[m]}: this worker's window offsets in micro-batch {@code m} (maybe none)
 * @param batchRows {@code batchRows[m]}: windows in the whole of micro-batch {@code m}
 */
record WorkerShard(int worker, long[][] starts, int[] batchRows) implements Serializable {

    public WorkerShard {
        if (starts.length != batchRows.length) {
            throw new IllegalArgumentException(starts.length + " micro-batches of starts but " + batchRows.length
                    + " row counts");
        }
    }

    /**
     * Splits a step's micro-batches among {@code workers}: worker {@code w} takes rows
     * {@code [w·R/N, (w+1)·R/N)} (rounded down) of each micro-batch of R rows, so that the workers
     * together see every window once and, when N divides R, each sees R/N.
     *
     * @param microBatches the window offsets of each micro-batch, in order
     */
    public static List<WorkerShard> split(long[][] microBatches, int workers) {
        if (workers <= 0) {
            throw new IllegalArgumentException("workers must be positive, got " + workers);
        }
        List<WorkerShard> shards = new ArrayList<>(workers);
        int[] rows = new int[microBatches.length];
        for (int m = 0; m < microBatches.length; m++) {
            rows[m] = microBatches[m].length;
        }
        for (int w = 0; w < workers; w++) {
            long[][] mine = new long[microBatches.length][];
            for (int m = 0; m < microBatches.length; m++) {
                int from = (int) ((long) w * rows[m] / workers);
                int to = (int) ((long) (w + 1) * rows[m] / workers);
                mine[m] = Arrays.copyOfRange(microBatches[m], from, to);
            }
            shards.add(new WorkerShard(w, mine, rows.clone()));
        }
        return shards;
    }

    /** Windows this worker computes over all micro-batches. */
    public int windows() {
        int n = 0;
        for (long[] s : starts) {
            n += s.length;
        }
        return n;
    }
}
