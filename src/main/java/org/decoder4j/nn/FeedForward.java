package org.decoder4j.nn;

import org.decoder4j.tensor.OutputReaders;
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

    /**
     * A feed-forward layer with freshly initialised weights.
     *
     * @param config the model's shape
     * @param init the weight initializer
     * @param random the model's dropout generator
     */
    public FeedForward(GPTConfig config, Initializer init, Random random) {
        long c = config.embeddingSize();
        this.fc = registerModule("fc", new Linear(c, 4 * c, init, 0.02));
        this.proj = registerModule("proj", new Linear(4 * c, c, init, config.residualProjectionStd()));
        this.activation = config.activation();
        this.dropout = registerModule("dropout", new Dropout(config.dropout(), random));
    }

    /**
     * {@code dropout(proj(act(fc(x))))}.
     *
     * @param x hidden states {@code [B, T, C]}
     * @return hidden states {@code [B, T, C]}
     */
    public Tensor forward(Tensor x) {
        Tensor h = activation.apply(fc.forward(x), OutputReaders.PRODUCTS_ONLY); // (B, T, 4C), read by proj only
        return dropout.forward(proj.forward(h));                                // (B, T, C)
    }

    /**
     * The expanding layer, C to 4C.
     *
     * @return the layer
     */
    public Linear fc() {
        return fc;
    }

    /**
     * The projection back, 4C to C.
     *
     * @return the layer
     */
    public Linear proj() {
        return proj;
    }
}
