package org.decoder4j.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.WindowSampling;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * How long a training run goes and how it draws its batches: {@code --steps}, {@code --epochs},
 * {@code --batch-size}, {@code --grad-accum}, {@code --sampling}, {@code --seed}, and when it
 * stops on numerical faults ({@code --max-bad-steps}, {@code --max-skipped-steps}).
 */
final class RunFlags {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "2000",
            description = "Optimizer steps in total; a resumed run counts the steps before its checkpoint "
                    + "(default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train N epochs over the non-overlapping windows, shuffled by --seed each epoch, "
                    + "instead of --steps.")
    Long epochs;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "12",
            description = "Windows per micro-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--grad-accum", paramLabel = "K", defaultValue = "1",
            description = "Micro-batches whose gradients are summed before each optimizer step: one step "
                    + "sees K x B windows (default: ${DEFAULT-VALUE}).")
    int gradAccum;

    @Option(names = "--sampling", paramLabel = "random|sequential|shuffled", defaultValue = "random",
            converter = SamplingFlag.class, completionCandidates = SamplingFlag.class,
            description = "random: each window starts at a seeded random offset; sequential: at step k row b is "
                    + "window (k*B + b) mod n of the consecutive windows; shuffled: epochs over the windows in a "
                    + "seeded order (default: random; --epochs implies shuffled).")
    WindowSampling sampling;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337",
            description = "Seed of the initial weights, dropout and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-bad-steps", paramLabel = "N", defaultValue = "0",
            description = "Steps in a row with a non-finite loss or gradient norm that are skipped before the run "
                    + "stops with exit status 3; 0 stops at the first (default: ${DEFAULT-VALUE}).")
    int maxBadSteps;

    @Option(names = "--max-skipped-steps", paramLabel = "N", defaultValue = "16",
            description = "Optimizer steps in a row the fp16 loss scaler may skip before the run stops with exit "
                    + "status 3 (default: ${DEFAULT-VALUE}).")
    int maxSkippedSteps;

    /** Checks the ranges, and that --epochs and --steps are not both given. */
    void check() {
        Flags.nonNegative(spec, "--steps", steps);
        Flags.positive(spec, "--batch-size", batchSize);
        Flags.positive(spec, "--grad-accum", gradAccum);
        if (epochs != null) {
            Flags.positive(spec, "--epochs", epochs);
            if (spec.commandLine().getParseResult().hasMatchedOption("--steps")) {
                throw Flags.usage(spec, "--epochs and --steps exclude each other: --epochs sets the number of "
                        + "steps from the data; give one of them");
            }
        }
        Flags.nonNegative(spec, "--max-bad-steps", maxBadSteps);
        Flags.nonNegative(spec, "--max-skipped-steps", maxSkippedSteps);
    }

    /** Whether the windows come in shuffled epochs. */
    boolean shuffled() {
        return epochs != null || sampling == WindowSampling.SHUFFLED;
    }

    /** Sets the trainer's batches, length and fault limits. */
    void applyTo(Trainer trainer) {
        trainer.batchSize(batchSize).gradientAccumulation(gradAccum).seed(seed).sampling(sampling)
                .maxBadSteps(maxBadSteps).maxSkippedSteps(maxSkippedSteps);
        if (epochs != null) {
            trainer.epochs(epochs);
        } else {
            trainer.steps(steps);
        }
    }

    /** The samplings a token file can have: all but {@link WindowSampling#CUSTOM}, which is for Java callers. */
    static final class SamplingFlag implements ITypeConverter<WindowSampling>, Iterable<String> {
        @Override
        public WindowSampling convert(String value) {
            for (WindowSampling s : WindowSampling.values()) {
                if (s != WindowSampling.CUSTOM && s.name().equalsIgnoreCase(value)) {
                    return s;
                }
            }
            throw new TypeConversionException("expected one of random, sequential, shuffled, got '" + value + "'");
        }

        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(WindowSampling.values()).filter(s -> s != WindowSampling.CUSTOM)
                    .map(s -> s.name().toLowerCase(Locale.ROOT)).iterator();
        }
    }
}
