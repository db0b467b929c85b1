package org.decoder4j.optim;

import java.util.List;
import org.decoder4j.tensor.Tensor;

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

    /** Zeroes the gradients of all parameters in all groups. */
    default void zeroGrad() {
        for (ParameterGroup group : groups()) {
            group.parameters().forEach(Tensor::zeroGrad);
        }
    }
}
