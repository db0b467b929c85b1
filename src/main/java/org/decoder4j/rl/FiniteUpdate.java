package org.decoder4j.rl;

import java.util.List;
import org.decoder4j.optim.GradClip;
import org.decoder4j.tensor.Tensor;

/**
 * The last check of an RL update before its optimizer step: clips the gradients when asked, and
 * refuses an update whose loss or gradient norm is not finite, so that a diverged objective stops
 * the run with the policy's weights still those of the last good step.
 *
 * <pre>{@code
 * r.loss().backward();
 * FiniteUpdate.clipOrRefuse("dpo step 3", r.loss().item(), policy.parameters(), maxGradNorm);
 * optimizer.step();
 * }</pre>
 */
final class FiniteUpdate {

    private FiniteUpdate() {
    }

    /**
     * @param maxGradNorm clip the global L2 norm to this; 0 for no clipping
     * @return the gradient norm before clipping
     * @throws IllegalStateException naming {@code what}, the loss and the norm, if either is not finite
     */
    static double clipOrRefuse(String what, double loss, List<Tensor> parameters, double maxGradNorm) {
        double norm = maxGradNorm > 0 && Double.isFinite(loss)
                ? GradClip.clipGradNorm(parameters, maxGradNorm, 2.0, false)
                : GradClip.totalNorm(parameters, 2.0);
        if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
            throw new IllegalStateException(what + ": loss " + loss + ", gradient norm " + norm
                    + "; training diverged, the update was not applied (lower the learning rate or clip the "
                    + "gradients)");
        }
        return norm;
    }
}
