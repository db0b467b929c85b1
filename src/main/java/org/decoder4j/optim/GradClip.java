package org.decoder4j.optim;

import java.util.List;
import java.util.function.Consumer;
import org.decoder4j.tensor.OptimizerKernels;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gradient clipping with PyTorch's definitions ({@code torch.nn.utils.clip_grad_norm_} and
 * {@code clip_grad_value_}).
 *
 * <pre>{@code
 * double norm = GradClip.byGlobalNorm(model.parameters(), 1.0);   // L2 norm before clipping
 * GradClip.clipGradNorm(model.parameters(), 1.0, Double.POSITIVE_INFINITY, true);
 * GradClip.clipGradValue(model.parameters(), 0.5);
 * }</pre>
 */
public final class GradClip {

    private static final Logger LOG = LoggerFactory.getLogger(GradClip.class);

    private GradClip() {
    }

    /**
     * Total L2 norm of all gradients (the norm of the per-tensor norms).
     *
     * @param parameters the parameters whose gradients count
     * @return the norm
     */
    public static double globalNorm(List<Tensor> parameters) {
        return totalNorm(parameters, 2);
    }

    /**
     * The total norm of all gradients: for {@code normType} p, {@code (Σ‖g‖ₚᵖ)^(1/p)} over the
     * tensors; for infinity, the largest absolute element.
     *
     * @param parameters the parameters whose gradients count
     * @param normType p, {@code > 0}, or infinity
     * @return the norm
     */
    public static double totalNorm(List<Tensor> parameters, double normType) {
        if (!(normType > 0)) {
            throw new IllegalArgumentException("norm type must be positive or infinity, got " + normType);
        }
        INDArray[] span = ParameterBuffer.span(parameters);
        List<INDArray> grads = span != null ? List.of(span[1])
                : parameters.stream().map(Tensor::grad).filter(g -> g != null).toList();
        if (Double.isInfinite(normType)) {
            double max = 0;
            for (INDArray g : grads) {
                double m = g.normmaxNumber().doubleValue();
                max = Double.isNaN(m) || Double.isNaN(max) ? Double.NaN : Math.max(max, m);
            }
            return max;
        }
        if (normType == 2) {
            double sumSquares = 0;
            for (INDArray g : grads) {
                if (OptimizerKernels.isDenseFloat(g)) {
                    sumSquares += OptimizerKernels.sumOfSquares(g);
                } else {
                    double n = g.norm2Number().doubleValue();
                    sumSquares += n * n;
                }
            }
            return Math.sqrt(sumSquares);
        }
        double sum = 0;
        for (INDArray g : grads) {
            sum += Transforms.pow(Transforms.abs(g, true), normType, false).sumNumber().doubleValue();
        }
        return Math.pow(sum, 1 / normType);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (total + 1e-6))} and returns the total L2
     * norm before clipping.
     *
     * @param parameters the parameters whose gradients are clipped
     * @param maxNorm the largest total norm allowed
     * @return the total norm before clipping
     */
    public static double byGlobalNorm(List<Tensor> parameters, double maxNorm) {
        return clipGradNorm(parameters, maxNorm, 2, false);
    }

    /**
     * PyTorch's {@code clip_grad_norm_}: computes the total norm of type {@code normType} (2, any
     * p > 0, or {@link Double#POSITIVE_INFINITY}), scales every gradient by
     * {@code min(1, maxNorm / (total + 1e-6))}, and returns the total before clipping.
     *
     * @param errorIfNonFinite throw when the total norm is NaN or infinite (the gradients are then
     *                         left untouched); otherwise a warning is logged and, as in PyTorch,
     *                         the gradients are scaled by the resulting non-finite coefficient
     * @throws ArithmeticException if the norm is not finite and {@code errorIfNonFinite}
     * @param parameters the parameters whose gradients are clipped
     * @param maxNorm the largest total norm allowed
     * @param normType p, {@code > 0}, or infinity
     * @return the total norm before clipping
     */
    public static double clipGradNorm(List<Tensor> parameters, double maxNorm, double normType,
                                      boolean errorIfNonFinite) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("max norm must be positive, got " + maxNorm);
        }
        double total = totalNorm(parameters, normType);
        if (!Double.isFinite(total)) {
            String message = "the total norm of order " + normType + " of the gradients is " + total;
            if (errorIfNonFinite) {
                throw new ArithmeticException(message + "; the gradients were not clipped");
            }
            LOG.warn("{}; clipping makes them non-finite", message);
        }
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient < 1 || Double.isNaN(coefficient)) {
            forEachGradient(parameters, g -> g.muli(coefficient));
        }
        return total;
    }

    /**
     * PyTorch's {@code clip_grad_value_}: clamps every gradient element to {@code [−clipValue, clipValue]}.
     *
     * @param parameters the parameters whose gradients are clipped
     * @param clipValue the largest absolute value allowed, {@code >= 0}
     */
    public static void clipGradValue(List<Tensor> parameters, double clipValue) {
        if (!(clipValue > 0) || Double.isInfinite(clipValue)) {
            throw new IllegalArgumentException("clip value must be positive and finite, got " + clipValue);
        }
        forEachGradient(parameters, g -> Transforms.min(
                Transforms.max(g, -clipValue, false), clipValue, false));
    }

    private static void forEachGradient(List<Tensor> parameters, Consumer<INDArray> action) {
        INDArray[] span = ParameterBuffer.span(parameters);
        if (span != null) {
            action.accept(span[1]);
            return;
        }
        for (Tensor p : parameters) {
            if (p.grad() != null) {
                action.accept(p.grad());
            }
        }
    }
}
