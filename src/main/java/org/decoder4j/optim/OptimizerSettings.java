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

    /** An optimizer over the given groups. */
    Optimizer create(List<ParameterGroup> groups);

    /** The base learning rate. */
    double lr();

    /** The weight decay of matrices in the default grouping. */
    double weightDecay();

    /** An optimizer with nanoGPT's default grouping: decay on rank ≥ 2 parameters only. */
    default Optimizer create(Iterable<Tensor> parameters) {
        List<Tensor> list = new java.util.ArrayList<>();
        parameters.forEach(list::add);
        return create(ParameterGrouping.decayMatricesOnly(list, lr(), weightDecay()));
    }
}
