package org.decoder4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout, as {@code torch.nn.functional.dropout} in training mode: each element is
 * zeroed with probability {@code p} and the survivors are scaled by {@code 1/(1−p)}.
 */
public final class DropoutOp {

    private DropoutOp() {
    }

    /**
     * @param input the activations
     * @param p     probability of zeroing an element, in [0, 1)
     * @param rng   the generator that draws the mask (deterministic for a given seed)
     * @return the input itself when {@code p == 0}, else the masked, rescaled input
     */
    public static Tensor apply(Tensor input, double p, Random rng) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        if (p == 0) {
            return input;
        }
        INDArray mask = mask(input.value().shape(), input.value(), p, rng);
        return Tensor.fromOp("dropout", input.value().mul(mask),
                dy -> new INDArray[] {dy.mul(mask)}, input);
    }

    /** A mask of 0 and 1/(1−p), the shape and type of {@code like}. */
    static INDArray mask(long[] shape, INDArray like, double p, Random rng) {
        INDArray uniform = Nd4j.createUninitialized(like.dataType(), shape);
        Nd4j.getExecutioner().exec(new UniformDistribution(uniform, 0.0, 1.0), rng); // U[0, 1)
        INDArray keep = uniform.gte(p).castTo(like.dataType());
        return keep.muli(1.0 / (1.0 - p));
    }
}
