package org.decoder4j.rl;

import java.util.Map;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.Tensor;

/**
 * A frozen copy of a policy, taken before training starts: PPO's KL penalty and DPO's loss
 * compare the policy against it. The copy is only ever run under no-grad and never optimised.
 *
 * <pre>{@code
 * GPT reference = ReferenceModel.copyOf(policy);
 * }</pre>
 */
public final class ReferenceModel {

    private ReferenceModel() {
    }

    /**
     * A new model with the same configuration and a copy of every weight, in eval mode.
     *
     * @param policy the model to copy
     * @return the frozen copy
     */
    public static GPT copyOf(GPT policy) {
        GPT copy = new GPT(policy.config(), 0, policy.dataType());
        Map<String, Tensor> target = copy.namedParameters();
        MemoryScope.persistent(() -> {
            policy.namedParameters().forEach((name, p) -> target.get(name).value().assign(p.value()));
            return null;
        });
        copy.eval();
        return copy;
    }
}
