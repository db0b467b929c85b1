package org.decoder4j.nn;

import org.decoder4j.tensor.LayerNormOp;
import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.Tensor;

/**
 * Layer normalisation over the last axis with gain (init 1) and bias (init 0).
 *
 * <pre>{@code
 * LayerNorm ln = new LayerNorm(128, 1e-5, init);
 * Tensor y = ln.forward(x);             // [..., 128]
 * }</pre>
 */
public final class LayerNorm extends Module {

    private final Tensor weight;
    private final Tensor bias;
    private final double epsilon;

    /**
     * A layer norm with gain 1 and bias 0.
     *
     * @param dim the normalised dimension's size C
     * @param epsilon added to the variance
     * @param init the weight initializer
     */
    public LayerNorm(long dim, double epsilon, Initializer init) {
        this.weight = registerParameter("weight", init.ones(dim));
        this.bias = registerParameter("bias", init.zeros(dim));
        this.epsilon = epsilon;
    }

    /**
     * Normalises over the last dimension, then scales and shifts.
     *
     * @param x {@code [..., C]}
     * @return a tensor of the same shape
     */
    public Tensor forward(Tensor x) {
        return LayerNormOp.apply(x, weight, bias, epsilon);
    }

    /**
     * Normalises over the last dimension, then scales and shifts, for an output that only
     * {@code readers} read: with {@link OutputReaders#PRODUCTS_ONLY}, under bfloat16 autocast it may
     * be kept in bfloat16.
     *
     * @param x {@code [..., C]}
     * @param readers which operations read the output
     * @return a tensor of the same shape
     */
    public Tensor forward(Tensor x, OutputReaders readers) {
        return LayerNormOp.apply(x, weight, bias, epsilon, readers);
    }

    /** The gain {@code [dim]}. */
    Tensor weight() {
        return weight;
    }

    /** The bias {@code [dim]}. */
    Tensor bias() {
        return bias;
    }
}
