package org.decoder4j.rl;

import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Tensor;
import org.decoder4j.tensor.TokenLogProbOp;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-token log-probabilities of a sequence under a model: entry {@code [b, t]} is
 * {@code log p(inputs[b, t+1] | inputs[b, ≤t])}.
 *
 * <pre>{@code
 * Tensor logp = TokenLogProbs.of(policy, batch);                 // [B, T-1], differentiable
 * Tensor total = logp.mul(Tensor.constant(batch.mask())).sum();  // completion tokens only
 * }</pre>
 */
public final class TokenLogProbs {

    private TokenLogProbs() {
    }

    /**
     * Log-probabilities of every next token of the batch, {@code [B, T-1]}.
     *
     * @param model the model
     * @param batch the rollouts
     * @return {@code [B, T-1]} log-probabilities, differentiable
     */
    public static Tensor of(GPT model, RolloutBatch batch) {
        return fromLogits(model.forward(batch.inputs()), batch.targets());
    }

    /**
     * Log-probabilities of {@code targets} from logits of the full rows.
     *
     * @param logits  {@code [B, T, V]}
     * @param targets {@code [B, T-1]}: the token after each position but the last
     * @return {@code [B, T-1]} log-probabilities, differentiable
     */
    public static Tensor fromLogits(Tensor logits, INDArray targets) {
        long b = logits.shape()[0];
        long t = logits.shape()[1];
        long v = logits.shape()[2];
        Tensor scored = logits.narrow(1, 0, t - 1).reshape(b * (t - 1), v);       // (B·(T-1), V)
        return TokenLogProbOp.apply(scored, targets).reshape(b, t - 1);          // (B, T-1)
    }
}
