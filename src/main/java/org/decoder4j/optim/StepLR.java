package org.decoder4j.optim;

/**
 * Decays each group's rate by {@code gamma} every {@code stepSize} epochs, as {@code torch.optim.lr_scheduler.StepLR}.
 *
 * <pre>{@code
 * LrScheduler scheduler = new StepLR(optimizer, 10, 0.1);
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class StepLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param stepSize epochs between decays
     * @param gamma the decay factor
     */
    public StepLR(Optimizer optimizer, long stepSize, double gamma) {
        super(optimizer, LrSchedule.stepLR(stepSize, gamma));
    }
}
