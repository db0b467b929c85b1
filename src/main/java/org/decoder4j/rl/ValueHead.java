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
 * ValueHead head = new ValueHead(policy.config().embeddingSize(), 7, policy.dataType());
 * Tensor values = head.forward(policy.hidden(ids));   // [B, T, C] -> [B, T]
 * }</pre>
 */
public final class ValueHead extends Module {

    private final Linear summary;

    /** Weights Normal(0, 0.02) drawn from {@code seed}, bias 0. */
    public ValueHead(int embeddingSize, long seed, org.nd4j.linalg.api.buffer.DataType dataType) {
        this.summary = registerModule("summary", new Linear(embeddingSize, 1, new Initializer(seed, dataType), 0.02));
    }

    /** Values {@code [B, T]} from hidden states {@code [B, T, C]}. */
    public Tensor forward(Tensor hidden) {
        long b = hidden.shape()[0];
        long t = hidden.shape()[1];
        long c = hidden.shape()[2];
        return summary.forward(hidden.reshape(b * t, c)).reshape(b, t);        // (B·T, 1) -> (B, T)
    }
}
