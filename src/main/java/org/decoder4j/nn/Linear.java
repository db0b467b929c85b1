package org.decoder4j.nn;

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
    private final long in;
    private final long out;

    /** A layer with weights drawn from Normal(0, std²) and a zero bias. */
    public Linear(long in, long out, Initializer init, double std) {
        this.in = in;
        this.out = out;
        this.weight = registerParameter("weight", init.normal(std, out, in));
        this.bias = registerParameter("bias", init.zeros(out));
    }

    /** x {@code [..., in]} to {@code [..., out]}. */
    public Tensor forward(Tensor x) {
        long[] shape = x.shape();
        if (shape[shape.length - 1] != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + ") got input with last dimension "
                    + shape[shape.length - 1]);
        }
        long rows = x.value().length() / in;
        Tensor y = x.reshape(rows, in).matmul(weight, false, true).add(bias);  // (N, out)
        long[] outShape = shape.clone();
        outShape[outShape.length - 1] = out;
        return y.reshape(outShape);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }
}
