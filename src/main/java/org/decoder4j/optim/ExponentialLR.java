package org.decoder4j.optim;

/**
 * Multiplies each group's rate by {@code gamma} every epoch, as {@code ExponentialLR}.
 *
 * <pre>{@code
 * LrScheduler scheduler = new ExponentialLR(optimizer, 0.95);
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class ExponentialLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param gamma the factor per step
     */
    public ExponentialLR(Optimizer optimizer, double gamma) {
        super(optimizer, LrSchedule.exponentialLR(gamma));
    }
}
