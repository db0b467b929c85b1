package org.decoder4j.nn;

import org.decoder4j.tensor.LinearOp;
import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.Tensor;

/**
 * {@code y = x·Wᵀ + b}, with W stored {@code [out, in]} as in {@code torch.nn.Linear}.
 *
 * <pre>{@code
 * Linear proj = new Linear(128, 512, init, 0.02);
 * Tensor y = proj.forward(x);          // x [B, T, 128] -> y [B, T, 512]
 * }</pre>
 */
public final class Linear extends Module {

    private final Tensor weight;
    private final Tensor bias;

    /**
     * A layer with weights drawn from Normal(0, std²) and a zero bias.
     *
     * @param in input features
     * @param out output features
     * @param init the weight initializer
     * @param std standard deviation of the weights
     */
    public Linear(long in, long out, Initializer init, double std) {
        this.weight = registerParameter("weight", init.normal(std, out, in));
        this.bias = registerParameter("bias", init.zeros(out));
    }

    /**
     * x {@code [..., in]} to {@code [..., out]}.
     *
     * @param x {@code [..., in]}
     * @return {@code [..., out]}
     */
    public Tensor forward(Tensor x) {
        return LinearOp.apply(x, weight, bias);
    }

    /**
     * x {@code [..., in]} to {@code [..., out]}, for an output that only {@code readers} read: with
     * {@link OutputReaders#PRODUCTS_ONLY}, under bfloat16 autocast it may be kept in bfloat16.
     *
     * @param x {@code [..., in]}
     * @param readers which operations read the output
     * @return {@code [..., out]}
     */
    public Tensor forward(Tensor x, OutputReaders readers) {
        return LinearOp.apply(x, weight, bias, readers);
    }

    /**
     * The weight {@code [in, out]}.
     *
     * @return the weight parameter
     */
    public Tensor weight() {
        return weight;
    }

    /**
     * The bias {@code [out]}.
     *
     * @return the bias parameter
     */
    public Tensor bias() {
        return bias;
    }
}
