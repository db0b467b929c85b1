package org.decoder4j.optim;

/**
 * The learning rate as a function of the step or epoch (0-based), given a parameter group's
 * initial rate: the closed forms of PyTorch's {@code torch.optim.lr_scheduler} classes and of
 * nanoGPT's schedule. A schedule is stateless; {@link LrScheduler} wraps one with PyTorch's
 * {@code step()} / {@code get_last_lr()} counting, and the {@code Trainer} applies one each step.
 *
 * <pre>{@code
 * LrSchedule decay = LrSchedule.stepLR(10, 0.1);                        // ×0.1 every 10 epochs
 * LrSchedule nano = LrSchedule.warmupCosine(100, 2000, 1e-4);
 * LrSchedule chained = LrSchedule.warmupThen(100, LrSchedule.cosineAnnealingLR(1900, 1e-5));
 * double lr = decay.lr(25, 1e-3);                                       // 1e-5
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {

    /**
     * The learning rate to use at {@code step}.
     *
     * @param step the step (or epoch), from 0
     * @param baseLr the group's initial rate
     * @return the rate
     */
    double lr(long step, double baseLr);

    /**
     * The base rate at every step.
     *
     * @return the constant schedule
     */
    static LrSchedule constant() {
        return (step, base) -> base;
    }

    /**
     * {@code StepLR}: {@code base·γ^⌊step/stepSize⌋}.
     *
     * @param stepSize steps between decays, {@code >= 1}
     * @param gamma the decay factor
     * @return the schedule
     */
    static LrSchedule stepLR(long stepSize, double gamma) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("StepLR step size must be >= 1, got " + stepSize);
        }
        checkGamma(gamma);
        return (step, base) -> base * Math.pow(gamma, Math.floorDiv(step, stepSize));
    }

    /**
     * {@code MultiStepLR}: {@code base·γ^(number of milestones ≤ step)}; milestones increasing.
     *
     * @param gamma the decay factor
     * @param milestones the steps at which the rate decays
     * @return the schedule
     */
    static LrSchedule multiStepLR(double gamma, long... milestones) {
        checkGamma(gamma);
        long[] sorted = milestones.clone();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] <= sorted[i - 1]) {
                throw new IllegalArgumentException("MultiStepLR milestones must increase, got "
                        + java.util.Arrays.toString(milestones));
            }
        }
        return (step, base) -> base * Math.pow(gamma, passed(sorted, step));
    }

    /**
     * {@code ExponentialLR}: {@code base·γ^step}.
     *
     * @param gamma the factor per step
     * @return the schedule
     */
    static LrSchedule exponentialLR(double gamma) {
        checkGamma(gamma);
        return (step, base) -> base * Math.pow(gamma, step);
    }

    /**
     * {@code CosineAnnealingLR}: {@code η_min + (base − η_min)·(1 + cos(π·step/T_max))/2}, which
     * (as PyTorch's) rises again after {@code T_max}.
     *
     * @param tMax T_max, the steps of the half cosine, {@code >= 1}
     * @param etaMin the lowest rate
     * @return the schedule
     */
    static LrSchedule cosineAnnealingLR(long tMax, double etaMin) {
        if (tMax < 1) {
            throw new IllegalArgumentException("CosineAnnealingLR T_max must be >= 1, got " + tMax);
        }
        return (step, base) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * step / tMax)) / 2;
    }

    /**
     * {@code LinearLR}: the factor goes linearly from {@code startFactor} to {@code endFactor} over
     * {@code totalIters} steps, then stays at {@code endFactor}.
     *
     * @param startFactor the multiplier at step 0
     * @param endFactor the multiplier from {@code totalIters} on
     * @param totalIters the steps of the ramp, {@code >= 0}
     * @return the schedule
     */
    static LrSchedule linearLR(double startFactor, double endFactor, long totalIters) {
        if (!(startFactor > 0 && startFactor <= 1) || !(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR factors must be in (0, 1] and [0, 1], got " + startFactor
                    + " and " + endFactor);
        }
        if (totalIters < 0) {
            throw new IllegalArgumentException("LinearLR total iterations must be >= 0, got " + totalIters);
        }
        return (step, base) -> totalIters == 0 ? base * endFactor
                : base * (startFactor + (endFactor - startFactor) * Math.min(step, totalIters) / totalIters);
    }

    /**
     * Linear warmup as Hugging Face's {@code get_constant_schedule_with_warmup}: factor
     * {@code step/warmupSteps} below {@code warmupSteps} (so 0 at step 0), then 1.
     *
     * @param warmupSteps the steps of the warmup, {@code >= 0}
     * @return the schedule
     */
    static LrSchedule linearWarmup(long warmupSteps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
        }
        return (step, base) -> step < warmupSteps ? base * step / warmupSteps : base;
    }

    /**
     * {@code LambdaLR}: {@code base·factor(step)} for a user function.
     *
     * @param factor the multiplier of the base rate at each step
     * @return the schedule
     */
    static LrSchedule lambdaLR(java.util.function.LongToDoubleFunction factor) {
        java.util.Objects.requireNonNull(factor, "factor");
        return (step, base) -> base * factor.applyAsDouble(step);
    }

    /**
     * {@code SequentialLR}: schedule {@code i} runs from milestone {@code i−1} (its own step 0)
     * until milestone {@code i}; {@code milestones.length == schedules.size() − 1}.
     *
     * @param schedules the schedules, in order
     * @param milestones the steps at which the next schedule takes over, increasing
     * @return the schedule
     */
    static LrSchedule sequential(java.util.List<LrSchedule> schedules, long... milestones) {
        if (schedules.isEmpty() || milestones.length != schedules.size() - 1) {
            throw new IllegalArgumentException("SequentialLR needs one milestone fewer than schedules, got "
                    + schedules.size() + " schedules and " + milestones.length + " milestones");
        }
        for (int i = 1; i < milestones.length; i++) {
            if (milestones[i] <= milestones[i - 1]) {
                throw new IllegalArgumentException("SequentialLR milestones must increase, got "
                        + java.util.Arrays.toString(milestones));
            }
        }
        java.util.List<LrSchedule> parts = java.util.List.copyOf(schedules);
        long[] bounds = milestones.clone();
        return (step, base) -> {
            int i = passed(bounds, step);
            long start = i == 0 ? 0 : bounds[i - 1];
            return parts.get(i).lr(step - start, base);
        };
    }

    /**
     * {@link #linearWarmup} for {@code warmupSteps}, then {@code after} starting at its step 0.
     *
     * @param warmupSteps the steps of the warmup, {@code >= 0}
     * @param after the schedule that follows
     * @return the schedule
     */
    static LrSchedule warmupThen(long warmupSteps, LrSchedule after) {
        return warmupSteps == 0 ? after : sequential(java.util.List.of(linearWarmup(warmupSteps), after), warmupSteps);
    }

    /**
     * nanoGPT's schedule: linear warmup {@code base·(step+1)/(warmup+1)} for {@code step < warmup},
     * then a cosine from {@code base} down to {@code minLr} at {@code decaySteps}, then {@code minLr}.
     *
     * @param warmupSteps the steps of the warmup, {@code >= 0}
     * @param decaySteps the step at which the cosine reaches {@code minLr}
     * @param minLr the final rate
     * @return the schedule
     */
    static LrSchedule warmupCosine(long warmupSteps, long decaySteps, double minLr) {
        checkWarmupCosine(warmupSteps, decaySteps);
        return (step, base) -> step < warmupSteps ? base * (step + 1) / (warmupSteps + 1)
                : cosineDecay(step, base, warmupSteps, decaySteps, minLr);
    }

    /**
     * The cosine of {@link #warmupCosine} behind Hugging Face's linear warmup
     * ({@code get_cosine_schedule_with_warmup}'s): {@code base·step/warmup} for
     * {@code step < warmup} (so 0 at step 0), then the cosine from {@code base} down to
     * {@code minLr} at {@code decaySteps}, then {@code minLr}. The command line's cosine, so that
     * every schedule there has the same warmup ({@link #linearWarmup}).
     *
     * <pre>{@code
     * LrSchedule s = LrSchedule.linearWarmupCosine(100, 2000, 1e-4);   // step 0: 0, step 50: base/2
     * }</pre>
     *
     * @param warmupSteps the steps of the warmup, {@code >= 0}
     * @param decaySteps the step at which the cosine reaches {@code minLr}
     * @param minLr the final rate
     * @return the schedule
     */
    static LrSchedule linearWarmupCosine(long warmupSteps, long decaySteps, double minLr) {
        checkWarmupCosine(warmupSteps, decaySteps);
        return (step, base) -> step < warmupSteps ? base * step / warmupSteps
                : cosineDecay(step, base, warmupSteps, decaySteps, minLr);
    }

    private static void checkWarmupCosine(long warmupSteps, long decaySteps) {
        if (warmupSteps < 0 || decaySteps < warmupSteps) {
            throw new IllegalArgumentException("warmup-cosine needs 0 <= warmup <= decay steps, got warmup "
                    + warmupSteps + " and decay " + decaySteps);
        }
    }

    /** nanoGPT's cosine from {@code base} at {@code warmupSteps} to {@code minLr} at {@code decaySteps}, then flat. */
    private static double cosineDecay(long step, double base, long warmupSteps, long decaySteps, double minLr) {
        if (step > decaySteps) {
            return minLr;
        }
        double ratio = decaySteps == warmupSteps ? 1.0 : (double) (step - warmupSteps) / (decaySteps - warmupSteps);
        double coefficient = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
        return minLr + coefficient * (base - minLr);
    }

    /**
     * Sets every group's rate for {@code step} from its initial rate.
     *
     * @param optimizer the optimizer whose groups' rates are set
     * @param step the step (or epoch), from 0
     */
    default void apply(Optimizer optimizer, long step) {
        for (ParameterGroup group : optimizer.groups()) {
            group.setLr(lr(step, group.initialLr()));
        }
    }

    private static int passed(long[] milestones, long step) {
        int n = 0;
        while (n < milestones.length && milestones[n] <= step) {
            n++;
        }
        return n;
    }

    private static void checkGamma(double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("gamma must be positive and finite, got " + gamma);
        }
    }
}
