package org.decoder4j.optim;

/**
 * Runs schedules one after another, switching at milestone epochs, as {@code SequentialLR}; each starts at its own epoch 0.
 *
 * <pre>{@code
 * LrScheduler scheduler = new SequentialLR(optimizer, List.of(LrSchedule.linearLR(0.1, 1, 5), LrSchedule.cosineAnnealingLR(45, 0)), 5);
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class SequentialLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param schedules the schedules, in order
     * @param milestones the epochs at which the next schedule takes over
     */
    public SequentialLR(Optimizer optimizer, java.util.List<LrSchedule> schedules, long... milestones) {
        super(optimizer, LrSchedule.sequential(schedules, milestones));
    }
}
