package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.List;
import org.decoder4j.tensor.Tensor;

/**
 * nanoGPT's default grouping: weight decay on parameters of two or more dimensions (matrices and
 * embeddings), none on biases and layer-norm gains.
 *
 * <pre>{@code
 * List<ParameterGroup> groups = ParameterGrouping.decayMatricesOnly(model.parameters(), 1e-3, 0.1);
 * }</pre>
 */
public final class ParameterGrouping {

    private ParameterGrouping() {
    }

    /**
     * Two groups: {@code [decayed (rank ≥ 2), not decayed (rank < 2)]}.
     *
     * @param parameters the model's parameters
     * @param lr the learning rate of both groups
     * @param weightDecay the weight decay of the first group
     * @return the two groups
     */
    public static List<ParameterGroup> decayMatricesOnly(List<Tensor> parameters, double lr, double weightDecay) {
        return decayMatricesOnly(parameters, lr, weightDecay, List.of());
    }

    /**
     * Two groups as above, with {@code exempt} (for example the embeddings, which some recipes do
     * not decay) moved to the group without decay.
     *
     * <pre>{@code
     * List<ParameterGroup> groups = ParameterGrouping.decayMatricesOnly(model.parameters(), 1e-3, 0.1,
     *         List.of(model.tokenEmbedding().weight(), model.positionEmbedding().weight()));
     * }</pre>
     *
     * @param parameters the model's parameters
     * @param lr the learning rate of both groups
     * @param weightDecay the weight decay of the first group
     * @param exempt parameters never decayed, whatever their rank
     * @return the two groups
     */
    public static List<ParameterGroup> decayMatricesOnly(List<Tensor> parameters, double lr, double weightDecay,
                                                         Collection<Tensor> exempt) {
        Set<Tensor> noDecaySet = Collections.newSetFromMap(new IdentityHashMap<>());
        noDecaySet.addAll(exempt);
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        for (Tensor p : parameters) {
            (p.rank() >= 2 && !noDecaySet.contains(p) ? decay : noDecay).add(p);
        }
        return List.of(new ParameterGroup(decay, lr, weightDecay), new ParameterGroup(noDecay, lr, 0.0));
    }
}
