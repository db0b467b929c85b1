package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A learning-rate schedule bound to an optimizer, counting as PyTorch's schedulers do: creating it
 * sets every group's rate for epoch 0, each {@link #step()} advances {@link #lastEpoch()} by one
 * and sets the rates for it. Call it once per epoch (as the classic loop does) or once per
 * optimizer step; the schedule cannot tell the difference.
 *
 * <pre>{@code
 * Optimizer optimizer = Adam.lr(0.001).create(model.parameters());
 * LrScheduler scheduler = new StepLR(optimizer, 10, 0.1);
 * for (int epoch = 0; epoch < 30; epoch++) {
 *     // ... train one epoch with optimizer.step() ...
 *     scheduler.step();
 * }
 * double lr = scheduler.getLastLr().get(0);
 * }</pre>
 */
public class LrScheduler {

    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private long lastEpoch;

    /**
     * Binds {@code schedule} to {@code optimizer} and applies its epoch-0 rate to every group.
     *
     * @param optimizer the optimizer whose groups' rates are set
     * @param schedule the schedule, stepped per epoch or per step by the caller
     */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        schedule.apply(optimizer, 0);
    }

    /** Advances one epoch (or step) and sets the groups' rates for it. */
    public void step() {
        lastEpoch++;
        schedule.apply(optimizer, lastEpoch);
    }

    /**
     * The number of {@link #step()} calls so far (PyTorch's {@code last_epoch}).
     *
     * @return the step count
     */
    public long lastEpoch() {
        return lastEpoch;
    }

    /**
     * The rate of each group as last set (PyTorch's {@code get_last_lr()}).
     *
     * @return the rates, one per group
     */
    public List<Double> getLastLr() {
        List<Double> lrs = new ArrayList<>();
        optimizer.groups().forEach(g -> lrs.add(g.lr()));
        return lrs;
    }

    /**
     * Continues from a saved {@link #lastEpoch()}: the rates become those of that epoch.
     *
     * @param savedLastEpoch a value of {@link #lastEpoch()}
     */
    public void loadState(long savedLastEpoch) {
        if (savedLastEpoch < 0) {
            throw new IllegalArgumentException("last epoch must be >= 0, got " + savedLastEpoch);
        }
        lastEpoch = savedLastEpoch;
        schedule.apply(optimizer, lastEpoch);
    }

    /**
     * The schedule this scheduler follows.
     *
     * @return the schedule
     */
    public LrSchedule schedule() {
        return schedule;
    }
}
