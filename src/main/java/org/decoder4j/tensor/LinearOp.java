package org.decoder4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The affine map of a linear layer, {@code y = x·Wᵀ + b}, as one autograd node: one matrix product
 * and an in-place bias add forward, two products and a column sum backward.
 */
public final class LinearOp {

    private LinearOp() {
    }

    /**
     * @param x      input {@code [..., in]}
     * @param weight {@code [out, in]}
     * @param bias   {@code [out]}, or null for none
     * @return {@code [..., out]}
     */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias) {
        long[] shape = x.shape();
        long in = weight.shape()[1];
        long out = weight.shape()[0];
        if (shape[shape.length - 1] != in) {
            throw new IllegalArgumentException("linear layer " + in + " -> " + out + " got input of shape "
                    + Arrays.toString(shape));
        }
        long rows = x.value().length() / in;
        INDArray x2 = x.value().reshape('c', rows, in);                         // (N, in)
        INDArray w = weight.value();
        INDArray y = MatMul.product(x2, false, w, true);                        // (N, out)
        if (bias != null) {
            y.addiRowVector(bias.value());
        }
        long[] outShape = shape.clone();
        outShape[outShape.length - 1] = out;

        Tensor[] inputs = bias == null ? new Tensor[] {x, weight} : new Tensor[] {x, weight, bias};
        return Tensor.fromOp("linear", y.reshape('c', outShape), dy -> {
            INDArray dy2 = dy.reshape('c', rows, out);                          // (N, out)
            INDArray dx = x.requiresGrad()
                    ? MatMul.product(dy2, false, w, false).reshape('c', shape) : null;  // (N, in)
            INDArray dw = weight.requiresGrad() ? MatMul.product(dy2, true, x2, false) : null;  // (out, in)
            INDArray db = bias != null && bias.requiresGrad() ? RowColumnSums.columnSums(dy2) : null;  // (out)
            return bias == null ? new INDArray[] {dx, dw} : new INDArray[] {dx, dw, db};
        }, inputs);
    }
}
