package org.decoder4j.optim;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an optimizer needs to continue exactly where it stopped: its step count, each group's
 * current learning rate, and per-parameter state arrays named {@code "<index>.<slot>"} with
 * PyTorch's slot names ({@code exp_avg}, {@code exp_avg_sq}, {@code max_exp_avg_sq},
 * {@code momentum_buffer}), parameters numbered over all groups in order.
 *
 * <pre>{@code
 * OptimizerState saved = optimizer.state();
 * // ... later, on an optimizer over the same parameters:
 * optimizer.loadState(saved);
 * }</pre>
 *
 * @param steps    optimizer steps taken
 * @param groupLrs the learning rate of each group, in order
 * @param tensors  the per-parameter state
 */
public record OptimizerState(long steps, List<Double> groupLrs, Map<String, INDArray> tensors) {

    /**
     * Keeps unmodifiable copies of the rates and the state map.
     *
     * @param steps    optimizer steps taken
     * @param groupLrs the learning rate of each group, in order
     * @param tensors  the per-parameter state
     */
    public OptimizerState {
        groupLrs = List.copyOf(groupLrs);
        tensors = Map.copyOf(tensors);
    }
}
