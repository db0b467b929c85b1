package org.decoder4j.rl;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rollouts laid out for one forward pass: each row is prompt + completion, right-padded to the
 * longest. Position {@code t} of the outputs scores token {@code t+1}; {@code mask} is 1 where
 * that token is a generated one.
 *
 * <pre>{@code
 * RolloutBatch b = RolloutBatch.of(rollouts);
 * Tensor logp = TokenLogProbs.of(policy, b);     // [B, T-1], read where b.mask() is 1
 * }</pre>
 *
 * @param inputs  token ids {@code [B, T]} (INT64), padding 0
 * @param targets the next token of every position {@code [B, T-1]} (INT64), padding 0
 * @param mask    1 where the target is a completion token, else 0, {@code [B, T-1]}
 * @param rewards the rollouts' rewards, one per row
 * @param starts  for each row, the position whose output scores the first completion token
 */
public record RolloutBatch(INDArray inputs, INDArray targets, INDArray mask, double[] rewards, int[] starts) {

    /**
     * Packs rollouts (in order) into a batch.
     *
     * @param rollouts the rollouts, all of the same total length
     * @return the batch
     */
    public static RolloutBatch of(List<Rollout> rollouts) {
        if (rollouts.isEmpty()) {
            throw new IllegalArgumentException("no rollouts to batch");
        }
        int b = rollouts.size();
        int t = 0;
        for (Rollout r : rollouts) {
            t = Math.max(t, r.prompt().length + r.completion().length);
        }
        long[] ids = new long[b * t];
        long[] next = new long[b * (t - 1)];
        double[] mask = new double[b * (t - 1)];
        double[] rewards = new double[b];
        int[] starts = new int[b];
        for (int row = 0; row < b; row++) {
            Rollout r = rollouts.get(row);
            int p = r.prompt().length;
            int n = p + r.completion().length;
            for (int i = 0; i < n; i++) {
                ids[row * t + i] = i < p ? r.prompt()[i] : r.completion()[i - p];
            }
            for (int i = 0; i + 1 < n; i++) {
                next[row * (t - 1) + i] = ids[row * t + i + 1];
                mask[row * (t - 1) + i] = i + 1 >= p ? 1 : 0;
            }
            rewards[row] = r.reward();
            starts[row] = p - 1;
        }
        return new RolloutBatch(Nd4j.create(ids, new long[] {b, t}, DataType.INT64),
                Nd4j.create(next, new long[] {b, t - 1}, DataType.INT64),
                Nd4j.create(mask, new long[] {b, t - 1}, DataType.DOUBLE), rewards, starts);
    }

    /**
     * B.
     *
     * @return the number of rollouts
     */
    public int size() {
        return rewards.length;
    }

    /**
     * The given rows, in that order, as a batch of their own (a minibatch).
     *
     * @param rows row indices
     * @return the minibatch
     */
    public RolloutBatch rows(int[] rows) {
        INDArray index = Nd4j.createFromArray(rows);
        double[] r = new double[rows.length];
        int[] s = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            r[i] = rewards[rows[i]];
            s[i] = starts[rows[i]];
        }
        return new RolloutBatch(inputs.getRows(rows), targets.getRows(rows), mask.getRows(rows), r, s);
    }
}
