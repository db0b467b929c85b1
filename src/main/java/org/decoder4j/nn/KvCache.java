package org.decoder4j.nn;

import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.SinglePositionDecoder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The keys and values of the positions a model has already seen, one pair of buffers
 * {@code [B, H, contextLength, headSize]} per layer, so that each new token costs one position of
 * attention per layer instead of a pass over the whole sequence. Used with
 * {@link GPT#forwardCached}; inference only.
 *
 * <pre>{@code
 * model.eval();
 * try (KvCache cache = KvCache.forModel(model, 1); NoGrad ng = NoGrad.enter()) {
 *     Tensor logits = model.forwardCached(promptIds, cache);    // [1, T, V], cache.length() == T
 *     Tensor next = model.forwardCached(oneId, cache);          // [1, 1, V], cache.length() == T + 1
 * }
 * }</pre>
 *
 * <p>The buffers live outside any {@link MemoryScope}, so a cache outlives the scopes of the steps
 * that fill it. {@link #close()} frees them at once; otherwise the garbage collector does.
 */
public final class KvCache implements AutoCloseable {

    private final INDArray[] keys;
    private final INDArray[] values;
    private final int batchSize;
    private final int capacity;
    private int length;
    private SinglePositionDecoder decoder;

    private KvCache(GPTConfig config, int batchSize, DataType type) {
        this.batchSize = batchSize;
        this.capacity = config.contextLength();
        int layers = config.layers();
        long heads = config.heads();
        long headSize = config.embeddingSize() / heads;
        this.keys = new INDArray[layers];
        this.values = new INDArray[layers];
        MemoryScope.persistent(() -> {
            for (int i = 0; i < layers; i++) {
                keys[i] = Nd4j.zeros(type, batchSize, heads, capacity, headSize);      // (B, H, Tmax, D)
                values[i] = Nd4j.zeros(type, batchSize, heads, capacity, headSize);    // (B, H, Tmax, D)
            }
            return null;
        });
    }

    /**
     * An empty cache for {@code batchSize} sequences of {@code model}, as long as its context.
     *
     * @param model the model whose keys and values are cached
     * @param batchSize the number of sequences
     * @return the empty cache
     */
    public static KvCache forModel(GPT model, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("a cache needs a batch size >= 1, got " + batchSize);
        }
        return new KvCache(model.config(), batchSize, model.dataType());
    }

    /**
     * Positions filled so far: the position the next token will take.
     *
     * @return the filled length
     */
    public int length() {
        return length;
    }

    /**
     * The most positions the cache holds: the model's context length.
     *
     * @return the capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * The number of sequences cached.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /** Forgets every position (the buffers are kept for reuse). */
    public void clear() {
        length = 0;
    }

    /** Stores the keys and values {@code [B, H, Tn, D]} of layer {@code layer} at positions {@code from…}. */
    void write(int layer, long from, INDArray k, INDArray v) {
        long tn = k.size(2);
        keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + tn),
                NDArrayIndex.all()).assign(k);
        values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + tn),
                NDArrayIndex.all()).assign(v);
    }

    /** The keys of positions {@code 0…end−1} of layer {@code layer}, a view {@code [B, H, end, D]}. */
    INDArray keys(int layer, long end) {
        return keys[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all());
    }

    /** The values of positions {@code 0…end−1} of layer {@code layer}, a view {@code [B, H, end, D]}. */
    INDArray values(int layer, long end) {
        return values[layer].get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, end), NDArrayIndex.all());
    }

    /** The key buffers {@code [B, H, Tmax, D]}, one per layer, for the single-position decoding step. */
    INDArray[] keyBuffers() {
        return keys;
    }

    /** The value buffers, shaped as {@link #keyBuffers()}. */
    INDArray[] valueBuffers() {
        return values;
    }

    /** The decoding step's scratch for this cache's model, made on first use. */
    SinglePositionDecoder decoder(SinglePositionDecoder.Weights weights) {
        if (decoder == null) {
            decoder = new SinglePositionDecoder(weights, capacity);
        }
        return decoder;
    }

    /** Marks {@code count} more positions as filled, after every layer has written them. */
    void advance(int count) {
        length += count;
    }

    /** Frees the buffers now; the cache cannot be used afterwards. */
    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != null && !keys[i].wasClosed()) {
                keys[i].close();
                values[i].close();
            }
        }
    }
}
