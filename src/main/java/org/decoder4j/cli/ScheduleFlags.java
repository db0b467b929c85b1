package org.decoder4j.cli;

import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.Trainer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The learning-rate schedule: {@code --schedule} and its parameters, {@code --warmup-steps},
 * {@code --schedule-per}. Every schedule starts with the same linear warmup, Hugging Face's
 * ({@code lr·k/w} for {@code k < w}, as its {@code get_cosine_schedule_with_warmup} and
 * {@code get_constant_schedule_with_warmup}), then runs from its own step 0.
 */
final class ScheduleFlags {

    /** The choices of {@code --schedule}. */
    enum Kind { CONSTANT, COSINE, STEP, MULTISTEP, EXPONENTIAL }

    /** The choices of {@code --schedule-per}. */
    enum Unit { STEP, EPOCH }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--schedule", paramLabel = "constant|cosine|step|multistep|exponential", defaultValue = "COSINE",
            description = "Learning rate: constant; cosine (nanoGPT's: a cosine from --lr down to --min-lr at "
                    + "--decay-steps); step (x --gamma every --step-size); multistep (x --gamma at each of "
                    + "--milestones); exponential (x --gamma each step or epoch). Each starts after the linear "
                    + "warmup of --warmup-steps (default: cosine).")
    Kind schedule;

    @Option(names = "--schedule-per", paramLabel = "step|epoch", defaultValue = "STEP",
            description = "Advance the schedule every optimizer step or, with --epochs, every epoch as a PyTorch "
                    + "scheduler stepped once per epoch (default: step).")
    Unit per;

    @Option(names = "--step-size", paramLabel = "N", defaultValue = "10",
            description = "Steps (or epochs) between decays of the step schedule (default: ${DEFAULT-VALUE}).")
    long stepSize;

    @Option(names = "--gamma", paramLabel = "G", defaultValue = "0.1",
            description = "Decay factor of the step, multistep and exponential schedules (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--milestones", paramLabel = "N,N,...", split = ",",
            description = "Increasing steps (or epochs) at which the multistep schedule decays.")
    long[] milestones;

    @Option(names = "--warmup-steps", paramLabel = "N", defaultValue = "100",
            description = "Linear warmup before every schedule, Hugging Face's: lr * k / N at step k < N, so 0 at "
                    + "step 0 (nanoGPT's cosine uses lr * (k+1) / (N+1)) (default: ${DEFAULT-VALUE}).")
    long warmupSteps;

    @Option(names = "--decay-steps", paramLabel = "N",
            description = "Step at which the cosine reaches --min-lr (default: --steps).")
    Long decaySteps;

    @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "1e-4",
            description = "Final learning rate of the cosine schedule (default: ${DEFAULT-VALUE}).")
    double minLr;

    /** Checks the values; {@code shuffled} says whether the run goes by epochs, which --schedule-per epoch needs. */
    void check(boolean shuffled) {
        Flags.nonNegative(spec, "--min-lr", minLr);
        Flags.nonNegative(spec, "--warmup-steps", warmupSteps);
        if (decaySteps != null) {
            Flags.nonNegative(spec, "--decay-steps", decaySteps);
        }
        if (per == Unit.EPOCH && !shuffled) {
            throw Flags.usage(spec, "--schedule-per epoch needs --epochs (or --sampling shuffled)");
        }
        Flags.positive(spec, "--step-size", stepSize);
        Flags.positive(spec, "--gamma", gamma);
        if (schedule == Kind.MULTISTEP && (milestones == null || milestones.length == 0)) {
            throw Flags.usage(spec, "--schedule multistep needs --milestones, e.g. --milestones 500,1000");
        }
    }

    /** Sets the trainer's schedule, per step or per epoch; {@code steps} is the cosine's default end. */
    void applyTo(Trainer trainer, long steps) {
        LrSchedule s = schedule(steps);
        if (per == Unit.EPOCH) {
            trainer.schedulePerEpoch(s);
        } else {
            trainer.schedule(s);
        }
    }

    private LrSchedule schedule(long steps) {
        long w = warmupSteps;
        return switch (schedule) {
            // A warmup longer than the decay simply runs to its end, as nanoGPT's.
            case COSINE -> LrSchedule.linearWarmupCosine(w, Math.max(decaySteps != null ? decaySteps : steps, w),
                    minLr);
            case STEP -> LrSchedule.warmupThen(w, LrSchedule.stepLR(stepSize, gamma));
            case MULTISTEP -> LrSchedule.warmupThen(w, LrSchedule.multiStepLR(gamma, milestones));
            case EXPONENTIAL -> LrSchedule.warmupThen(w, LrSchedule.exponentialLR(gamma));
            case CONSTANT -> LrSchedule.linearWarmup(w);
        };
    }
}
