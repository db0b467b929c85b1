package org.decoder4j.optim;

/**
 * Scales each group's rate by a factor going linearly from {@code startFactor} to {@code endFactor} over {@code totalIters} epochs, as {@code LinearLR}.
 *
 * <pre>{@code
 * LrScheduler scheduler = new LinearLR(optimizer, 0.1, 1.0, 10);
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class LinearLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param startFactor the multiplier at step 0
     * @param endFactor the multiplier from {@code totalIters} on
     * @param totalIters the steps of the ramp
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, long totalIters) {
        super(optimizer, LrSchedule.linearLR(startFactor, endFactor, totalIters));
    }
}
