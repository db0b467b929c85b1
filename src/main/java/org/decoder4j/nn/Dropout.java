package org.decoder4j.nn;

import org.decoder4j.tensor.DropoutOp;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.rng.Random;

/**
 * Inverted dropout, active only in training mode.
 *
 * <pre>{@code
 * Dropout drop = new Dropout(0.1, rng);
 * Tensor y = drop.forward(x);           // identity after model.eval()
 * }</pre>
 */
public final class Dropout extends Module {

    private final double p;
    private final Random random;

    /**
     * @param p probability of zeroing, in [0, 1); @param random the model's dropout generator
     *
     * @param random the model's dropout generator
     */
    public Dropout(double p, Random random) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + p);
        }
        this.p = p;
        this.random = random;
    }

    /**
     * Zeroes each element with probability p and scales the rest by 1/(1-p) in training mode; the identity in evaluation mode.
     *
     * @param x any shape
     * @return a tensor of the same shape
     */
    public Tensor forward(Tensor x) {
        return isTraining() && p > 0 ? DropoutOp.apply(x, p, random) : x;
    }

    /**
     * The probability of zeroing.
     *
     * @return p
     */
    public double probability() {
        return p;
    }
}
