package org.decoder4j.rl;

import org.decoder4j.nn.Initializer;
import org.decoder4j.nn.Linear;
import org.decoder4j.nn.Module;
import org.decoder4j.tensor.Tensor;

/**
 * PPO's critic: a linear map from the policy's final hidden state at each position to a scalar
 * estimate of the return from there (TRL's value head, without its dropout).
 *
 * <pre>{@code
 * ValueHead head = new ValueHead(policy.config().embeddingSize(), policy.dataType());
 * Tensor values = head.forward(policy.hidden(ids));   // [B, T, C] -> [B, T]
 * }</pre>
 */
public final class ValueHead extends Module {

    private final Linear summary;

    /**
     * Weights and bias start at 0: every first estimate is 0, so the first advantages come from
     * the rewards alone, and with no reward and no KL penalty nothing moves.
     *
     * @param embeddingSize C, the hidden size
     * @param dataType the type of the weights
     */
    public ValueHead(int embeddingSize, org.nd4j.linalg.api.buffer.DataType dataType) {
        this.summary = registerModule("summary", new Linear(embeddingSize, 1, Initializer.forLoading(dataType), 0.0));
    }

    /**
     * Values {@code [B, T]} from hidden states {@code [B, T, C]}.
     *
     * @param hidden the model's final hidden states
     * @return the values
     */
    public Tensor forward(Tensor hidden) {
        long b = hidden.shape()[0];
        long t = hidden.shape()[1];
        long c = hidden.shape()[2];
        return summary.forward(hidden.reshape(b * t, c)).reshape(b, t);        // (B·T, 1) -> (B, T)
    }
}
