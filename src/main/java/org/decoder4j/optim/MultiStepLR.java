package org.decoder4j.optim;

/**
 * Decays each group's rate by {@code gamma} at each milestone epoch, as {@code MultiStepLR}.
 *
 * <pre>{@code
 * LrScheduler scheduler = new MultiStepLR(optimizer, 0.5, 10, 25, 40);
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class MultiStepLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param gamma the decay factor
     * @param milestones the epochs at which the rate decays, increasing
     */
    public MultiStepLR(Optimizer optimizer, double gamma, long... milestones) {
        super(optimizer, LrSchedule.multiStepLR(gamma, milestones));
    }
}
