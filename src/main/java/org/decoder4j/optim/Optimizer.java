package org.decoder4j.optim;

import java.util.ArrayList;
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

    /**
     * The parameter groups, whose learning rates schedules adjust.
     *
     * @return the groups, in order
     */
    List<ParameterGroup> groups();

    /**
     * Number of steps taken so far.
     *
     * @return the step count
     */
    long stepCount();

    /**
     * A snapshot of the optimizer's state (arrays are views; save or copy them before stepping again).
     *
     * @return the state
     */
    OptimizerState state();

    /**
     * Continues from a saved state: step count, group learning rates and per-parameter arrays.
     *
     * @throws IllegalArgumentException if the state does not fit these parameter groups
     * @param state a state from {@link #state()} of an optimizer over the same parameters
     */
    void loadState(OptimizerState state);

    /** Zeroes the gradients of all parameters in all groups. */
    default void zeroGrad() {
        gradients().forEach(g -> g.assign(0));
    }

    /**
     * The gradient arrays of all groups: one flat array per group whose parameters are packed in a
     * {@link ParameterBuffer}, else one per parameter that has a gradient. Writing to them changes
     * the gradients (as loss scaling and clipping do).
     *
     * @return the gradient arrays
     */
    default List<INDArray> gradients() {
        List<INDArray> grads = new ArrayList<>();
        for (ParameterGroup group : groups()) {
            INDArray[] span = ParameterBuffer.span(group.parameters());
            if (span != null) {
                grads.add(span[1]);
                continue;
            }
            for (Tensor p : group.parameters()) {
                if (p.grad() != null) {
                    grads.add(p.grad());
                }
            }
        }
        return grads;
    }
}
