package org.decoder4j.loss;

import org.decoder4j.tensor.CrossEntropyOp;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Language-model losses, as {@code torch.nn.functional.cross_entropy}.
 *
 * <pre>{@code
 * Tensor logits = model.forward(batch.inputs());             // [B, T, V]
 * Tensor loss = Loss.crossEntropy(logits, batch.targets());  // mean over B·T tokens
 * loss.backward();
 * }</pre>
 */
public final class Loss {

    /** PyTorch's default ignore index: targets equal to it carry no loss and no gradient. */
    public static final long IGNORE_INDEX = -100;

    private Loss() {
    }

    /**
     * Mean next-token cross-entropy; targets equal to {@link #IGNORE_INDEX} are skipped.
     *
     * @param logits {@code [..., V]} scores (e.g. {@code [B, T, V]})
     * @param targets class ids with as many elements as logits has rows (e.g. {@code [B, T]})
     * @return the mean loss, a scalar with a backward pass
     */
    public static Tensor crossEntropy(Tensor logits, INDArray targets) {
        return crossEntropy(logits, targets, IGNORE_INDEX);
    }

    /**
     * Mean cross-entropy over the positions whose target differs from {@code ignoreIndex}.
     *
     * @param logits  {@code [..., V]} scores (e.g. {@code [B, T, V]})
     * @param targets class ids with as many elements as logits has rows (e.g. {@code [B, T]})
     * @param ignoreIndex targets equal to it are not scored
     * @return the mean loss over the scored positions, a scalar with a backward pass
     */
    public static Tensor crossEntropy(Tensor logits, INDArray targets, long ignoreIndex) {
        long[] s = logits.shape();
        long vocab = s[s.length - 1];
        long rows = logits.value().length() / vocab;
        Tensor flat = s.length == 2 ? logits : logits.reshape(rows, vocab);     // (N, V)
        return CrossEntropyOp.apply(flat, targets, ignoreIndex);
    }
}
