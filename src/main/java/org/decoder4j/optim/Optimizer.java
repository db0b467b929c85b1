package org.decoder4j.optim;

import java.util.List;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Updates parameters from their accumulated gradients.
 *
 * <pre>{@code
 * optimizer.zeroGrad();
 * loss.backward();
 * optimizer.step();
 * }</pre>
 */
public interface Optimizer {

    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** The parameter groups, whose learning rates schedules adjust. */
    List<ParameterGroup> groups();

    /** Number of steps taken so far. */
    long stepCount();

    /** A snapshot of the optimizer's state (arrays are views; save or copy them before stepping again). */
    OptimizerState state();

    /**
     * Continues from a saved state: step count, group learning rates and per-parameter arrays.
     *
     * @throws IllegalArgumentException if the state does not fit these parameter groups
     */
    void loadState(OptimizerState state);

    /** Zeroes the gradients of all parameters in all groups. */
    default void zeroGrad() {
        for (ParameterGroup group : groups()) {
            INDArray[] span = ParameterBuffer.span(group.parameters());
            if (span != null) {
                span[1].assign(0);
            } else {
                group.parameters().forEach(Tensor::zeroGrad);
            }
        }
    }
}
