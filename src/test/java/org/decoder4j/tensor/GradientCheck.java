package org.decoder4j.tensor;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Compares the autograd gradients of a function with central finite differences in float64.
 * The function's output is reduced to a scalar with a fixed random weighting, so every output
 * element's dependence on every input element is exercised.
 */
final class GradientCheck {

    private static final double STEP = 1e-6;

    private GradientCheck() {
    }

    /** Largest |analytic − numeric| over the largest |numeric|, over all inputs. */
    static double relativeError(Function<Tensor[], Tensor> function, INDArray... inputs) {
        Tensor[] params = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Tensor.parameter(inputs[i].castTo(DataType.DOUBLE).dup());
        }
        Tensor out = function.apply(params);
        Nd4j.getRandom().setSeed(7);
        INDArray weights = Nd4j.rand(DataType.DOUBLE, out.shape()).subi(0.5);
        out.mul(Tensor.constant(weights)).sum().backward();

        double worstDiff = 0;
        double largest = 1e-12;
        for (Tensor p : params) {
            INDArray analytic = p.grad();
            assertNotNull(analytic, "no gradient reached an input");
            INDArray flat = p.value().reshape(p.value().length());
            for (long j = 0; j < flat.length(); j++) {
                double original = flat.getDouble(j);
                flat.putScalar(j, original + STEP);
                double plus = weighted(function, params, weights);
                flat.putScalar(j, original - STEP);
                double minus = weighted(function, params, weights);
                flat.putScalar(j, original);
                double numeric = (plus - minus) / (2 * STEP);
                double a = analytic.reshape(analytic.length()).getDouble(j);
                worstDiff = Math.max(worstDiff, Math.abs(a - numeric));
                largest = Math.max(largest, Math.abs(numeric));
            }
        }
        return worstDiff / largest;
    }

    static void assertGradients(Function<Tensor[], Tensor> function, INDArray... inputs) {
        double error = relativeError(function, inputs);
        assertTrue(error < 1e-6, "finite-difference mismatch, relative error " + error);
    }

    private static double weighted(Function<Tensor[], Tensor> function, Tensor[] params, INDArray weights) {
        try (NoGrad ignored = NoGrad.enter()) {
            return function.apply(params).value().mul(weights).sumNumber().doubleValue();
        }
    }

    static INDArray randn(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(DataType.DOUBLE, shape);
    }
}
