package org.decoder4j.nn;

import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.rng.Random;

/**
 * The position-wise feed-forward network: {@code Linear(C, 4C) → GELU → Linear(4C, C) → dropout}.
 *
 * <pre>{@code
 * FeedForward mlp = new FeedForward(config, init, rng);
 * Tensor y = mlp.forward(x);            // [B, T, C] -> [B, T, C]
 * }</pre>
 */
public final class FeedForward extends Module {

    private final Linear fc;
    private final Linear proj;
    private final Activation activation;
    private final Dropout dropout;

    public FeedForward(GPTConfig config, Initializer init, Random random) {
        long c = config.embeddingSize();
        this.fc = registerModule("fc", new Linear(c, 4 * c, init, 0.02));
        this.proj = registerModule("proj", new Linear(4 * c, c, init, config.residualProjectionStd()));
        this.activation = config.activation();
        this.dropout = registerModule("dropout", new Dropout(config.dropout(), random));
    }

    public Tensor forward(Tensor x) {
        Tensor h = activation.apply(fc.forward(x));                             // (B, T, 4C)
        return dropout.forward(proj.forward(h));                                // (B, T, C)
    }

    public Linear fc() {
        return fc;
    }

    public Linear proj() {
        return proj;
    }
}
