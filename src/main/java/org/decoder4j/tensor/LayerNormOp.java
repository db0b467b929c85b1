package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.FloatMemory;
import org.decoder4j.tensor.cpu.LayerNormKernel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Layer normalisation over the last axis with learned gain and bias, as
 * {@code torch.nn.functional.layer_norm}: {@code y = (x − μ) / √(σ² + ε) · γ + β} with the biased
 * variance. ND4J's own {@code layer_norm} has no ε, so the op is composed from native elementwise
 * and reduction ops; float32 rows go through {@link LayerNormKernel}, one pass per row.
 *
 * <pre>{@code
 * Tensor y = LayerNormOp.apply(x, gain, bias, 1e-5);                               // [..., C]
 * Tensor h = LayerNormOp.apply(x, gain, bias, 1e-5, OutputReaders.PRODUCTS_ONLY);  // for q, k, v
 * }</pre>
 */
public final class LayerNormOp {

    private LayerNormOp() {
    }

    /**
     * @param x       input {@code [..., C]}
     * @param gain    γ {@code [C]}
     * @param bias    β {@code [C]}
     * @param epsilon ε added to the variance
     * @return normalised {@code [..., C]}
     */
    public static Tensor apply(Tensor x, Tensor gain, Tensor bias, double epsilon) {
        return apply(x, gain, bias, epsilon, OutputReaders.ANY_OP);
    }

    /**
     * The same, for an output that only {@code readers} read ({@link OutputReaders}).
     *
     * @param x       input {@code [..., C]}
     * @param gain    γ {@code [C]}
     * @param bias    β {@code [C]}
     * @param epsilon ε added to the variance
     * @param readers which operations read the output
     * @return normalised {@code [..., C]}
     */
    public static Tensor apply(Tensor x, Tensor gain, Tensor bias, double epsilon, OutputReaders readers) {
        long[] shape = x.shape();
        long c = shape[shape.length - 1];
        if (gain.value().length() != c || bias.value().length() != c) {
            throw new IllegalArgumentException("layer norm over " + c + " channels got gain of "
                    + gain.value().length() + " and bias of " + bias.value().length());
        }
        INDArray x2 = x.value().reshape('c', x.value().length() / c, c);        // (N, C)
        INDArray g = gain.value().reshape(c);
        INDArray b = bias.value().reshape(c);
        if (FloatMemory.isDenseFloat(x2) && FloatMemory.isDenseFloat(g) && FloatMemory.isDenseFloat(b)) {
            return fused(x, x2, g, b, gain, bias, epsilon, readers);
        }
        INDArray mean = RowColumnSums.rowMeans(x2);                             // (N, 1)
        INDArray centered = x2.subColumnVector(mean);                           // (N, C)
        INDArray variance = RowColumnSums.rowMeans(centered.mul(centered));     // (N, 1)
        INDArray rstd = Transforms.pow(variance.addi(epsilon), -0.5, false);    // (N, 1)
        INDArray xhat = centered.muliColumnVector(rstd);                        // (N, C), reuses centered
        INDArray y = xhat.mulRowVector(g).addiRowVector(b);                     // (N, C)

        return Tensor.fromOp("layerNorm", y.reshape('c', shape), dy -> {
            INDArray dy2 = dy.reshape('c', xhat.rows(), c);                     // (N, C)
            INDArray dgain = null;
            INDArray dbias = null;
            if (gain.requiresGrad()) {
                dgain = RowColumnSums.columnSums(dy2.mul(xhat)).reshape(gain.shape());  // (C)
            }
            if (bias.requiresGrad()) {
                dbias = RowColumnSums.columnSums(dy2).reshape(bias.shape());    // (C)
            }
            INDArray dx = null;
            if (x.requiresGrad()) {
                // dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)), with dx̂ = dy · γ
                INDArray dxhat = dy2.mulRowVector(g);                           // (N, C)
                INDArray meanDxhat = RowColumnSums.rowMeans(dxhat);             // (N, 1)
                INDArray meanDxhatXhat = RowColumnSums.rowMeans(dxhat.mul(xhat));  // (N, 1)
                dx = xhat.mulColumnVector(meanDxhatXhat);
                dx.rsubi(dxhat).subiColumnVector(meanDxhat).muliColumnVector(rstd);
                dx = dx.reshape('c', shape);
            }
            return new INDArray[] {dx, dgain, dbias};
        }, x, gain, bias);
    }

    /** Float32 in one pass per row ({@link LayerNormKernel}). */
    private static Tensor fused(Tensor x, INDArray x2, INDArray g, INDArray b, Tensor gain, Tensor bias,
                                double epsilon, OutputReaders readers) {
        long[] shape = x.shape();
        LayerNormKernel[] state = new LayerNormKernel[1];                       // the kernel keeps no y
        INDArray y = Autocast.output(readers, x2.shape(), () -> {
            INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x2.shape());  // (N, C)
            state[0] = LayerNormKernel.forward(x2, g, b, epsilon, out);
            return out;
        });
        LayerNormKernel kernel = state[0];
        return Tensor.fromOp("layerNorm", y.reshape('c', shape), dy -> {
            INDArray dy2 = dy.reshape('c', x2.rows(), x2.columns());            // (N, C)
            INDArray[] grads = kernel.backward(FloatMemory.isDenseFloat(dy2) ? dy2 : dy2.dup('c'),
                    x.requiresGrad(), gain.requiresGrad(), bias.requiresGrad());
            INDArray dx = grads[0] == null ? null : grads[0].reshape('c', shape);
            INDArray dgain = grads[1] == null ? null : grads[1].reshape(gain.shape());
            INDArray dbias = grads[2] == null ? null : grads[2].reshape(bias.shape());
            return new INDArray[] {dx, dgain, dbias};
        }, x, gain, bias);
    }
}
