package org.decoder4j.optim;

/**
 * The learning rate as a function of the step (0-based), given the optimizer's base rate.
 *
 * <pre>{@code
 * LrSchedule schedule = LrSchedule.warmupCosine(100, 2000, 1e-4);
 * double lr = schedule.lr(step, 1e-3);
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate to use at {@code step}. */
    double lr(long step, double baseLr);

    /** The base rate at every step. */
    static LrSchedule constant() {
        return (step, base) -> base;
    }

    /**
     * nanoGPT's schedule: linear warmup {@code base·(step+1)/(warmup+1)} for {@code step < warmup},
     * then a cosine from {@code base} down to {@code minLr} at {@code decaySteps}, then {@code minLr}.
     */
    static LrSchedule warmupCosine(long warmupSteps, long decaySteps, double minLr) {
        if (warmupSteps < 0 || decaySteps < warmupSteps) {
            throw new IllegalArgumentException("warmup-cosine needs 0 <= warmup <= decay steps, got warmup "
                    + warmupSteps + " and decay " + decaySteps);
        }
        return (step, base) -> {
            if (step < warmupSteps) {
                return base * (step + 1) / (warmupSteps + 1);
            }
            if (step > decaySteps) {
                return minLr;
            }
            double ratio = decaySteps == warmupSteps ? 1.0 : (double) (step - warmupSteps) / (decaySteps - warmupSteps);
            double coefficient = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
            return minLr + coefficient * (base - minLr);
        };
    }

    /** Sets every group's rate for {@code step} from its initial rate. */
    default void apply(Optimizer optimizer, long step) {
        for (ParameterGroup group : optimizer.groups()) {
            group.setLr(lr(step, group.initialLr()));
        }
    }
}
