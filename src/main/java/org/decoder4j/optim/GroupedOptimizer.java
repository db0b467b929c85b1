package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.List;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link SGD} and {@link Adam} share: parameter groups, the step count, per-parameter state
 * slots and their saving, and the walk over a group's parameters — one flat update per group when
 * its parameters are packed in a {@link ParameterBuffer}, one per parameter otherwise.
 */
abstract class GroupedOptimizer implements Optimizer {

    private final List<ParameterGroup> groups;
    final OptimizerSlots slots;
    long steps;

    GroupedOptimizer(List<ParameterGroup> groups) {
        this.groups = List.copyOf(groups);
        this.slots = new OptimizerSlots(this.groups);
    }

    @Override
    public final void step() {
        steps++;
        for (ParameterGroup group : groups) {
            INDArray[] span = ParameterBuffer.span(group.parameters());
            if (span != null) {
                update(group, group.parameters().get(0), span[0], span[1]);
                continue;
            }
            for (Tensor p : group.parameters()) {
                if (p.grad() != null) {
                    update(group, p, p.value(), p.grad());
                }
            }
        }
    }

    /**
     * Updates {@code w} in place from {@code g}: one parameter, or the flat span of a whole group.
     *
     * @param key the tensor under which this {@code w}'s state slots are kept
     */
    abstract void update(ParameterGroup group, Tensor key, INDArray w, INDArray g);

    @Override
    public final List<ParameterGroup> groups() {
        return groups;
    }

    @Override
    public final long stepCount() {
        return steps;
    }

    @Override
    public final OptimizerState state() {
        List<Double> lrs = new ArrayList<>();
        groups.forEach(g -> lrs.add(g.lr()));
        return new OptimizerState(steps, lrs, slots.export());
    }

    @Override
    public final void loadState(OptimizerState state) {
        if (state.groupLrs().size() != groups.size()) {
            throw new IllegalArgumentException("the saved optimizer state has " + state.groupLrs().size()
                    + " parameter groups, this optimizer has " + groups.size());
        }
        if (state.steps() < 0) {
            throw new IllegalArgumentException("the saved step count is negative: " + state.steps());
        }
        slots.restore(state.tensors());
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).setLr(state.groupLrs().get(i));
        }
        steps = state.steps();
    }
}
