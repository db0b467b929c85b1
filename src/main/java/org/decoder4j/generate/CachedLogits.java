package org.decoder4j.generate;

import org.decoder4j.nn.GPT;
import org.decoder4j.nn.KvCache;
import org.decoder4j.tensor.MemoryScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Next-token logits through a {@link KvCache}: the first call feeds the prompt (prefill), each
 * later call only the tokens added since.
 *
 * <p>When the sequence outgrows the context, the window is cropped on the left as nanoGPT does:
 * the cache is cleared and refilled with the last {@code contextLength} tokens at positions
 * 0…contextLength−1. The model's positions are learned and absolute, so every cached key shifts
 * position when the window slides; refilling is the only way to get the logits of a full forward
 * over the cropped window, and past the context each token costs a full window pass.
 */
final class CachedLogits implements NextTokenLogits {

    private final GPT model;
    private final KvCache cache;
    private final int context;
    /** Index in the sequence of the token at cache position 0. */
    private int windowStart;

    CachedLogits(GPT model) {
        this.model = model;
        this.cache = KvCache.forModel(model, 1);
        this.context = model.config().contextLength();
    }

    @Override
    public double[] next(int[] sequence, int length) {
        int fed = windowStart + cache.length();
        if (length - windowStart > context) {
            windowStart = length - context;
            fed = windowStart;
            cache.clear();
        }
        if (length - fed == 1 && model.dataType() == DataType.FLOAT) {
            float[] logits = model.decodeStep(new int[] {sequence[length - 1]}, cache);   // (V)
            double[] next = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                next[i] = logits[i];
            }
            return next;
        }
        long[] pending = new long[length - fed];
        for (int i = fed; i < length; i++) {
            pending[i - fed] = sequence[i];
        }
        try (MemoryScope scope = MemoryScope.open()) {
            INDArray ids = Nd4j.createFromArray(pending).reshape(1, pending.length);   // (1, Tn)
            INDArray logits = model.forwardCached(ids, cache).value();                  // (1, Tn, V)
            return logits.get(NDArrayIndex.point(0), NDArrayIndex.point(pending.length - 1), NDArrayIndex.all())
                    .castTo(DataType.DOUBLE).toDoubleVector();                          // (V)
        }
    }

    @Override
    public void close() {
        cache.close();
    }
}
