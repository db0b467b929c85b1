package org.decoder4j.train;

import java.util.Map;
import java.util.Optional;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Finds a parameter holding a NaN or an infinity, so that such weights are never saved.
 *
 * <pre>{@code
 * FiniteWeights.firstNonFinite(model).ifPresent(name -> { throw new IllegalStateException(name); });
 * }</pre>
 */
final class FiniteWeights {

    private FiniteWeights() {
    }

    /** The name of the first parameter with a non-finite value, if any. */
    static Optional<String> firstNonFinite(GPT model) {
        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            if (BooleanIndexing.or(p.getValue().value(), Conditions.notFinite())) {
                return Optional.of(p.getKey());
            }
        }
        return Optional.empty();
    }
}
