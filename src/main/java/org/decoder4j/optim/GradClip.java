package org.decoder4j.optim;

import java.util.List;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping with PyTorch's definitions ({@code clip_grad_norm_}, {@code clip_grad_value_}).
 *
 * <pre>{@code
 * double norm = GradClip.byGlobalNorm(model.parameters(), 1.0);   // norm before clipping
 * }</pre>
 */
public final class GradClip {

    private GradClip() {
    }

    /** Total L2 norm of all gradients (the norm of the per-tensor norms). */
    public static double globalNorm(List<Tensor> parameters) {
        INDArray[] span = ParameterBuffer.span(parameters);
        if (span != null) {
            return span[1].norm2Number().doubleValue();
        }
        double sumSquares = 0;
        for (Tensor p : parameters) {
            INDArray g = p.grad();
            if (g != null) {
                double n = g.norm2Number().doubleValue();
                sumSquares += n * n;
            }
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (total + 1e-6))} and returns the total L2
     * norm before clipping.
     */
    public static double byGlobalNorm(List<Tensor> parameters, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be positive, got " + maxNorm);
        }
        double total = globalNorm(parameters);
        double coefficient = maxNorm / (total + 1e-6);
        INDArray[] span = ParameterBuffer.span(parameters);
        if (coefficient < 1 && span != null) {
            span[1].muli(coefficient);
        } else if (coefficient < 1) {
            for (Tensor p : parameters) {
                if (p.grad() != null) {
                    p.grad().muli(coefficient);
                }
            }
        }
        return total;
    }
}
