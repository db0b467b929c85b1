package org.decoder4j.sft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.data.batch.RandomPermutation;
import org.decoder4j.loss.Loss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batches of dialogues for {@code Trainer.batches(...)}: each row holds one dialogue (or, packed,
 * several), right-padded to T; targets are {@link Loss#IGNORE_INDEX} outside assistant turns and
 * on padding. Rows come in a seeded shuffled order, reshuffled each epoch.
 *
 * <pre>{@code
 * SftBatches batches = new SftBatches(train, 8, 1337);
 * Trainer.forModel(model).batches(batches, null).steps(300).fit();
 * }</pre>
 *
 * <p>Unpacked, attention is causal and padding comes last, so no dialogue sees another and
 * padding changes nothing. Packed ({@link #packed}), consecutive dialogues share a row: fewer
 * padding tokens, but a later dialogue in a row attends to the earlier ones (cross-talk; there is
 * no per-dialogue attention mask). The loss mask stays exact either way.
 */
public final class SftBatches implements BatchSampler {

    private final List<SftExample> rows;
    private final int batchSize;
    private final int contextLength;
    private final long seed;
    private long position;
    private long cachedEpoch = -1;
    private int[] order;

    /**
     * One dialogue per row.
     *
     * @param data the rendered dialogues
     * @param batchSize B, the rows per batch
     * @param seed seed of the epochs' orders
     */
    public SftBatches(SftDataset data, int batchSize, long seed) {
        this(rowsOf(data, false), batchSize, data.contextLength(), seed);
    }

    private SftBatches(List<SftExample> rows, int batchSize, int contextLength, long seed) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.rows = rows;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
        this.seed = seed;
    }

    /**
     * Consecutive dialogues packed into rows of up to T+1 tokens (with cross-talk, see above).
     *
     * @param data the rendered dialogues
     * @param batchSize B, the rows per batch
     * @param seed seed of the epochs' orders
     * @return the batches
     */
    public static SftBatches packed(SftDataset data, int batchSize, long seed) {
        return new SftBatches(rowsOf(data, true), batchSize, data.contextLength(), seed);
    }

    private static List<SftExample> rowsOf(SftDataset data, boolean pack) {
        if (!pack) {
            return data.examples();
        }
        int limit = data.contextLength() + 1;
        List<SftExample> rows = new ArrayList<>();
        int[] ids = new int[limit];
        boolean[] trained = new boolean[limit];
        int used = 0;
        for (SftExample e : data.examples()) {
            if (used + e.length() > limit) {
                rows.add(new SftExample(Arrays.copyOf(ids, used), Arrays.copyOf(trained, used)));
                used = 0;
            }
            System.arraycopy(e.tokens(), 0, ids, used, e.length());
            System.arraycopy(e.trained(), 0, trained, used, e.length());
            used += e.length();
        }
        rows.add(new SftExample(Arrays.copyOf(ids, used), Arrays.copyOf(trained, used)));
        return rows;
    }

    /**
     * Rows per epoch (dialogues, or packed rows).
     *
     * @return the row count
     */
    public int rowCount() {
        return rows.size();
    }

    @Override
    public Batch next() {
        int t = contextLength;
        long[] inputs = new long[batchSize * t];
        long[] targets = new long[batchSize * t];
        Arrays.fill(targets, Loss.IGNORE_INDEX);
        for (int b = 0; b < batchSize; b++) {
            SftExample row = row(position * batchSize + b);
            long[] in = row.inputs();
            long[] out = row.targets();
            System.arraycopy(in, 0, inputs, b * t, in.length);          // padding inputs stay token 0
            System.arraycopy(out, 0, targets, b * t, out.length);
        }
        position++;
        long[] shape = {batchSize, t};
        return new Batch(Nd4j.create(inputs, shape, DataType.INT64), Nd4j.create(targets, shape, DataType.INT64));
    }

    /** The k-th row of the endless stream: epoch k / n in that epoch's shuffled order. */
    private SftExample row(long k) {
        long epoch = k / rows.size();
        if (epoch != cachedEpoch) {
            order = RandomPermutation.of(rows.size(), new Random(seed * 1_000_003L + epoch));
            cachedEpoch = epoch;
        }
        return rows.get(order[(int) (k % rows.size())]);
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public void seek(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be >= 0, got " + position);
        }
        this.position = position;
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int contextLength() {
        return contextLength;
    }
}
