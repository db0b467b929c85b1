package org.decoder4j.generate;

import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Next-token logits by a full forward pass over the last {@code contextLength} tokens, every time. */
final class FullWindowLogits implements NextTokenLogits {

    private final GPT model;

    FullWindowLogits(GPT model) {
        this.model = model;
    }

    @Override
    public double[] next(int[] sequence, int length) {
        int from = Math.max(0, length - model.config().contextLength());
        long[] window = new long[length - from];
        for (int i = from; i < length; i++) {
            window[i - from] = sequence[i];
        }
        try (MemoryScope scope = MemoryScope.open()) {
            INDArray ids = Nd4j.createFromArray(window).reshape(1, window.length);     // (1, T)
            INDArray all = model.forward(ids).value();                                  // (1, T, V)
            return all.get(NDArrayIndex.point(0), NDArrayIndex.point(window.length - 1), NDArrayIndex.all())
                    .castTo(DataType.DOUBLE).toDoubleVector();                          // (V)
        }
    }

    @Override
    public void close() {
    }
}
