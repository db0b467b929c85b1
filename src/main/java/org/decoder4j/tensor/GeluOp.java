package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.FloatMemory;
import org.decoder4j.tensor.cpu.GeluTanhKernel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The Gaussian error linear unit in GPT-2's two forms.
 *
 * <ul>
 *   <li>{@link #tanh}: {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, Hugging Face's
 *       {@code gelu_new} and PyTorch's {@code gelu(approximate="tanh")};</li>
 *   <li>{@link #exact}: {@code 0.5·x·(1 + erf(x/√2))}, PyTorch's default {@code gelu}.</li>
 * </ul>
 *
 * ND4J's legacy {@code GELU} is the sigmoid approximation and its {@code PreciseGELU} is wrong in
 * 1.0.0-M2.1, so both are composed from native elementwise ops.
 */
public final class GeluOp {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);
    private static final double CUBIC = 0.044715;
    private static final double INV_SQRT_2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    private GeluOp() {
    }

    /**
     * GPT-2's tanh approximation ({@code gelu_new}), computed as {@code x·σ(2u)} with
     * {@code u = √(2/π)·(x + 0.044715·x³)}: the identity {@code (1 + tanh u)/2 = σ(2u)} replaces
     * ND4J's tanh, which is more than twice as slow as its sigmoid. Float32 goes through
     * {@link GeluTanhKernel} in one pass each way.
     *
     * @param input any shape
     * @return GELU of each element, with its backward pass
     */
    public static Tensor tanh(Tensor input) {
        return tanh(input, OutputReaders.ANY_OP);
    }

    /**
     * The same, for an output that only {@code readers} read ({@link OutputReaders}).
     *
     * @param input   any shape
     * @param readers which operations read the output
     * @return GELU of each element, with its backward pass
     */
    public static Tensor tanh(Tensor input, OutputReaders readers) {
        INDArray x = input.value();
        if (FloatMemory.isDenseFloat(x)) {
            INDArray y = Autocast.output(readers, x.shape(), () -> {
                INDArray out = Nd4j.createUninitialized(DataType.FLOAT, x.shape());
                GeluTanhKernel.forward(x, out);                                 // σ(2u) recomputed backward
                return out;
            });
            return Tensor.fromOp("geluTanh", y, dy -> new INDArray[] {
                GeluTanhKernel.backward(x, FloatMemory.isDenseFloat(dy) ? dy : dy.dup('c'))}, input);
        }
        INDArray x2 = x.mul(x);                                                  // x²
        // σ(2u) with 2u = 2√(2/π)·x·(1 + c·x²)
        INDArray s = x2.mul(2 * SQRT_2_OVER_PI * CUBIC).addi(2 * SQRT_2_OVER_PI).muli(x);
        Transforms.sigmoid(s, false);
        INDArray y = s.mul(x);
        return Tensor.fromOp("geluTanh", y, dy -> {
            // dy/dx = σ + x·σ·(1 − σ)·2√(2/π)·(1 + 3c·x²)
            INDArray d = x2.mul(2 * SQRT_2_OVER_PI * 3 * CUBIC).addi(2 * SQRT_2_OVER_PI).muli(x);
            d.muli(s).muli(s.rsub(1.0)).addi(s);
            return new INDArray[] {d.muli(dy)};
        }, input);
    }

    /**
     * The exact erf form ({@code gelu}).
     *
     * @param input any shape
     * @return GELU of each element, with its backward pass
     */
    public static Tensor exact(Tensor input) {
        return exact(input, OutputReaders.ANY_OP);
    }

    /**
     * The same, for an output that only {@code readers} read ({@link OutputReaders}).
     *
     * @param input   any shape
     * @param readers which operations read the output
     * @return GELU of each element, with its backward pass
     */
    public static Tensor exact(Tensor input, OutputReaders readers) {
        INDArray x = input.value();
        INDArray cdf = x.mul(INV_SQRT_2);
        Nd4j.exec(new Erf(cdf, cdf));
        cdf.addi(1.0).muli(0.5);                                                 // Φ(x)
        INDArray y = Autocast.output(readers, x.shape(), () -> cdf.mul(x));
        return Tensor.fromOp("geluExact", y, dy -> {
            // dy/dx = Φ(x) + x·φ(x), φ(x) = e^{−x²/2}/√(2π)
            INDArray pdf = Transforms.exp(x.mul(x).muli(-0.5), false).muli(INV_SQRT_2PI);
            INDArray d = pdf.muli(x).addi(cdf);
            return new INDArray[] {d.muli(dy)};
        }, input);
    }
}
