package org.decoder4j.optim;

import java.util.ArrayList;
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

    /** Two groups: {@code [decayed (rank ≥ 2), not decayed (rank < 2)]}. */
    public static List<ParameterGroup> decayMatricesOnly(List<Tensor> parameters, double lr, double weightDecay) {
        List<Tensor> decay = new ArrayList<>();
        List<Tensor> noDecay = new ArrayList<>();
        for (Tensor p : parameters) {
            (p.rank() >= 2 ? decay : noDecay).add(p);
        }
        return List.of(new ParameterGroup(decay, lr, weightDecay), new ParameterGroup(noDecay, lr, 0.0));
    }
}
