package org.decoder4j.optim;

/**
 * Anneals each group's rate along a cosine to {@code etaMin} over {@code tMax} epochs, as {@code CosineAnnealingLR}.
 *
 * <pre>{@code
 * LrScheduler scheduler = new CosineAnnealingLR(optimizer, 50, 0.001);
 * scheduler.step();                       // once per epoch
 * }</pre>
 */
public final class CosineAnnealingLR extends LrScheduler {

    /**
     * Binds the schedule to {@code optimizer}.
     *
     * @param optimizer the optimizer
     * @param tMax T_max, the steps of the half cosine
     * @param etaMin the lowest rate
     */
    public CosineAnnealingLR(Optimizer optimizer, long tMax, double etaMin) {
        super(optimizer, LrSchedule.cosineAnnealingLR(tMax, etaMin));
    }
}
