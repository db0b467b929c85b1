package org.decoder4j.optim;

import java.util.List;
import org.decoder4j.tensor.Tensor;

/**
 * Hyper-parameters from which an optimizer is made once the parameters are known, so that a
 * trainer can be configured before the model's parameters are grouped.
 *
 * <pre>{@code
 * OptimizerSettings settings = AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1);
 * Optimizer optimizer = settings.create(model.parameters());
 * }</pre>
 */
public interface OptimizerSettings {

    /**
     * An optimizer over the given groups.
     *
     * @param groups the parameter groups, each with its rate and weight decay
     * @return a new optimizer
     */
    Optimizer create(List<ParameterGroup> groups);

    /**
     * The base learning rate.
     *
     * @return the learning rate
     */
    double lr();

    /**
     * The weight decay of matrices in the default grouping.
     *
     * @return the weight decay
     */
    double weightDecay();

    /**
     * An optimizer with nanoGPT's default grouping: decay on rank ≥ 2 parameters only.
     *
     * @param parameters the parameters to optimize
     * @return a new optimizer
     */
    default Optimizer create(Iterable<Tensor> parameters) {
        List<Tensor> list = new java.util.ArrayList<>();
        parameters.forEach(list::add);
        return create(ParameterGrouping.decayMatricesOnly(list, lr(), weightDecay()));
    }
}
