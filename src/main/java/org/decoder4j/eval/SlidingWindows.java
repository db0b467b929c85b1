package org.decoder4j.eval;

import java.util.Arrays;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.EvaluationWindows;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.batch.WindowBatching;
import org.decoder4j.loss.Loss;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Windows of {@code T} tokens that advance by a stride {@code S <= T}, so that every token after
 * the first is scored exactly once and, after the first window, with at least {@code T − S}
 * tokens of history: the sliding-window evaluation of Hugging Face's guide "Perplexity of
 * fixed-length models".
 *
 * <p>Window {@code k} starts at {@code b = k·S}, has inputs {@code tokens[b, e−1)} and targets
 * {@code tokens[b+1, e)} with {@code e = min(b + T + 1, N)}. The first window scores all its
 * targets; each later one scores only its last {@code S} (the targets the previous window did
 * not reach), its first {@code T − S} targets being set to {@link Loss#IGNORE_INDEX}. The last
 * window ends at the end of the data and may be shorter than {@code T}: it is padded to {@code T}
 * with input 0 and ignored targets, which changes no scored position since attention is causal.
 * (The guide's windows are {@code max_length} tokens long including the final target; here
 * {@code T} counts the model's inputs, so this is the guide with {@code max_length = T + 1}.)
 * With {@code S = T} the windows are the consecutive ones, plus a last window for the remainder.
 *
 * <pre>{@code
 * SlidingWindows windows = new SlidingWindows(val, 32, 1024, 512);
 * long scored = windows.tokenCount();          // val.size() − 1
 * for (Batch batch : windows) {
 *     try (batch) {
 *         // inputs (B, T); targets (B, T) with -100 where a position is only history
 *     }
 * }
 * }</pre>
 */
public final class SlidingWindows implements EvaluationWindows {

    private final TokenDataset data;
    private final int batchSize;
    private final int contextLength;
    private final int stride;
    private final long windowCount;

    /**
     * @throws IllegalArgumentException if a size is not positive, the stride is larger than the
     *                                  context, or the data holds fewer than 2 tokens
     * @param data the tokens to score
     * @param batchSize the windows per batch
     * @param contextLength T, the tokens per window
     * @param stride S, the tokens each window advances by, in {@code [1, T]}
     */
    public SlidingWindows(TokenDataset data, int batchSize, int contextLength, int stride) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + contextLength);
        }
        if (stride < 1 || stride > contextLength) {
            throw new IllegalArgumentException("stride " + stride + " must be in [1, " + contextLength
                    + "] (the context length): a larger stride would skip tokens");
        }
        if (data.size() < 2) {
            throw new IllegalArgumentException(data.source() + " has " + data.size()
                    + " token; scoring a next token needs at least 2");
        }
        this.data = data;
        this.batchSize = batchSize;
        this.contextLength = contextLength;
        this.stride = stride;
        long beyondFirst = data.size() - contextLength - 1;                  // targets the first window misses
        this.windowCount = beyondFirst <= 0 ? 1 : 1 + (beyondFirst + stride - 1) / stride;
    }

    @Override
    public WindowBatching batching() {
        return new WindowBatching(windowCount, batchSize);
    }

    /**
     * Number of scored targets: every token but the first, {@code N − 1}.
     *
     * @return the scored token count
     */
    @Override
    public long tokenCount() {
        return data.size() - 1;
    }

    /**
     * Batch {@code index} of {@link #batchCount()}: windows {@code [index·B, min(index·B + B, windowCount))}.
     *
     * @throws IndexOutOfBoundsException if there is no such batch
     */
    @Override
    public Batch batch(long index) {
        long first = batching().firstWindow(index);
        int rows = batching().rows(index);
        int t = contextLength;
        long[] inputs = new long[Math.multiplyExact(rows, t)];                // (B, T) row-major
        long[] targets = new long[inputs.length];                             // (B, T) row-major
        for (int r = 0; r < rows; r++) {
            long k = first + r;
            long begin = k * stride;
            int length = (int) (Math.min(begin + t + 1, data.size()) - begin - 1);
            int history = k == 0 ? 0 : t - stride;                           // targets already scored
            int row = r * t;
            data.copy(begin, inputs, row, length);
            data.copy(begin + 1, targets, row, length);
            Arrays.fill(targets, row, row + history, Loss.IGNORE_INDEX);
            Arrays.fill(inputs, row + length, row + t, 0);
            Arrays.fill(targets, row + length, row + t, Loss.IGNORE_INDEX);
        }
        long[] shape = {rows, t};
        return new Batch(Nd4j.create(inputs, shape, DataType.INT64), Nd4j.create(targets, shape, DataType.INT64));
    }
}
