package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.AdamKernel;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.decoder4j.tensor.cpu.SumOfSquaresKernel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizers' element-wise passes as single fused kernels of the engine: Adam's update and the
 * sum of squares behind gradient clipping's global norm. Each applies to dense float32 arrays
 * ({@link #isDenseFloat}); the optimizers keep their ND4J arithmetic for everything else.
 *
 * <pre>{@code
 * if (OptimizerKernels.adamApplies(w, g, m, v)) {
 *     OptimizerKernels.adam(w, g, m, v, lr, weightDecay, true, 0.9, 0.999, 1e-8, bias1, bias2Sqrt);
 * }
 * double norm = Math.sqrt(OptimizerKernels.sumOfSquares(grad));
 * }</pre>
 */
public final class OptimizerKernels {

    private OptimizerKernels() {
    }

    /**
     * Whether {@code x} is dense C-ordered float32 in host memory, as the kernels here need.
     *
     * @param x an array
     * @return true where the kernels apply to it
     */
    public static boolean isDenseFloat(INDArray x) {
        return FloatMemory.isDenseFloatOfAnyLength(x);
    }

    /**
     * Whether every array is dense float32, so that {@link #adam} applies.
     *
     * @param arrays the parameter, its gradient and both moments
     * @return true where the fused update applies
     */
    public static boolean adamApplies(INDArray... arrays) {
        return AdamKernel.applies(arrays);
    }

    /**
     * One Adam/AdamW step of {@code w} in place, updating the moments {@code m} and {@code v}: the
     * arithmetic of {@code torch.optim.Adam}/{@code AdamW} (not AMSGrad), in float32.
     *
     * @param w          the parameter, updated in place
     * @param g          its gradient
     * @param m          the first moment, updated in place
     * @param v          the second moment, updated in place
     * @param lr         the learning rate
     * @param decay      weight decay λ (0 for none)
     * @param decoupled  AdamW's {@code p ← p·(1 − lr·λ)} rather than Adam's {@code g ← g + λ·p}
     * @param beta1      β₁
     * @param beta2      β₂
     * @param eps        ε, added to the second moment's square root
     * @param bias1      {@code 1 − β₁ᵗ}
     * @param bias2Sqrt  {@code √(1 − β₂ᵗ)}
     */
    public static void adam(INDArray w, INDArray g, INDArray m, INDArray v, double lr, double decay, boolean decoupled,
                            double beta1, double beta2, double eps, double bias1, double bias2Sqrt) {
        AdamKernel.update(w, g, m, v, lr, decay, decoupled, beta1, beta2, eps, bias1, bias2Sqrt);
    }

    /**
     * Σ x² of a dense float32 array, accumulated in double.
     *
     * @param x a dense float32 array
     * @return the sum of its squares
     */
    public static double sumOfSquares(INDArray x) {
        return SumOfSquaresKernel.of(x);
    }
}
