package org.decoder4j.tensor;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The affine map of a linear layer, {@code y = x·Wᵀ + b}, as one autograd node: one matrix product
 * and an in-place bias add forward (float32: one kernel call onto rows preset to b; bfloat16 autocast
 * on oneDNN: one kernel call that adds b to the float32 sums before their one rounding), two
 * products and a column sum backward.
 *
 * <pre>{@code
 * Tensor y = LinearOp.apply(x, weight, bias);                                // [N, in] -> [N, out]
 * Tensor q = LinearOp.apply(x, wq, bq, OutputReaders.PRODUCTS_ONLY);         // bfloat16 under native autocast
 * }</pre>
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
        return apply(x, weight, bias, OutputReaders.ANY_OP);
    }

    /**
     * The same, for an output that only {@code readers} read ({@link OutputReaders}).
     *
     * @param x       input {@code [..., in]}, float32 (or bfloat16 kept for products)
     * @param weight  {@code [out, in]}
     * @param bias    {@code [out]}, or null for none
     * @param readers which operations read the output
     * @return {@code [..., out]}
     */
    public static Tensor apply(Tensor x, Tensor weight, Tensor bias, OutputReaders readers) {
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
        INDArray y;
        Autocast scope = Autocast.current();
        if (bias != null && scope == null && MatMul.hasKernel(x2.dataType(), w.dataType(), DataType.FLOAT)
                && FloatMemory.isDenseFloat(bias.value()) && FloatMemory.isDenseFloat(w)
                && FloatMemory.fitsOneBuffer(rows * out)) {
            y = biasRows(bias.value(), (int) rows);                             // (N, out), each row b
            MatMul.into(x2, false, w, true, y, 1.0, 1.0);                       // y = x·Wᵀ + b in one call
        } else if (bias != null && scope != null && scope.addsRowInProduct(x2, w, bias.value())) {
            y = scope.productPlusRow(x2, w, bias.value(), Autocast.keepsLow(readers));  // (N, out)
        } else {
            y = Autocast.output(readers, new long[] {rows, out},
                    () -> productPlusBias(x2, w, bias, Autocast.keepsLow(readers)));
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

    /**
     * {@code x·Wᵀ + b}, {@code (N, out)}. Inside an autocast scope it is rounded once, after the bias
     * (itself rounded to the low precision) is added to the float32 sums, as PyTorch's autocast
     * linear layer rounds; not at all when {@code convertedAfter} (the caller converts it to
     * bfloat16, which rounds the same way).
     */
    private static INDArray productPlusBias(INDArray x2, INDArray w, Tensor bias, boolean convertedAfter) {
        Autocast scope = Autocast.current();
        if (bias == null || scope == null || !MatMul.isAutocast(x2) || !MatMul.isAutocast(w)) {
            INDArray product = MatMul.product(x2, false, w, true);              // (N, out)
            return bias == null ? product : product.addiRowVector(bias.value());
        }
        INDArray sums = scope.unroundedProduct(x2, false, w, true);             // (N, out), float32 sums
        MemoryScope.scratch(() -> sums.addiRowVector(scope.roundInPlace(bias.value().dup())));  // + rounded b
        return convertedAfter ? sums : scope.roundInPlace(sums);
    }

    /** A new {@code [rows, out]} float32 array whose every row is {@code bias}. */
    private static INDArray biasRows(INDArray bias, int rows) {
        int out = (int) bias.length();
        float[] row = new float[out];
        FloatMemory.of(bias).get(0, row);
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, rows, out);
        FloatBuffer ys = FloatMemory.of(y);
        for (int r = 0; r < rows; r++) {
            ys.put(r * out, row);
        }
        return y;
    }
}
