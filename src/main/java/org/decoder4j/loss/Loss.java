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
        return CrossEntropyOp.apply(rows(logits), targets, ignoreIndex);
    }

    /**
     * Mean next-token cross-entropy whose backward pass writes the gradient over the logits, for a
     * training step that passes {@code model.forward(ids)} straight in and never reads the logits
     * again: one logits-sized array less when the step's memory peaks (206 MB per 1024 positions at
     * GPT-2's vocabulary). The loss and every gradient are those of {@link #crossEntropy(Tensor, INDArray)}.
     *
     * <pre>{@code
     * Tensor loss = Loss.crossEntropyOverwritingLogits(model.forward(batch.inputs()), batch.targets());
     * loss.backward();                         // the logits now hold their gradient
     * }</pre>
     *
     * @param logits {@code [..., V]} scores (e.g. {@code [B, T, V]}), not read after the backward pass
     * @param targets class ids with as many elements as logits has rows (e.g. {@code [B, T]})
     * @return the mean loss, a scalar with a backward pass
     */
    public static Tensor crossEntropyOverwritingLogits(Tensor logits, INDArray targets) {
        return CrossEntropyOp.applyOverwritingLogits(rows(logits), targets, IGNORE_INDEX);
    }

    /** {@code [..., V]} as {@code [N, V]}. */
    private static Tensor rows(Tensor logits) {
        long[] s = logits.shape();
        long vocab = s[s.length - 1];
        long rows = logits.value().length() / vocab;
        return s.length == 2 ? logits : logits.reshape(rows, vocab);            // (N, V)
    }
}
