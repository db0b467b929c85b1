package org.decoder4j.optim;

/**
 * Scales each group's initial rate by a user function of the epoch, as {@code LambdaLR}.
 *
 * <pre>{@code
 * LrScheduler scheduler = new LambdaLR(optimizer, epoch -> 1.0 / (1 + epoch));
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class LambdaLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param factor the multiplier of the base rate at each step
     */
    public LambdaLR(Optimizer optimizer, java.util.function.LongToDoubleFunction factor) {
        super(optimizer, LrSchedule.lambdaLR(factor));
    }
}
