package org.decoder4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.train.Trainer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What a training run reports: validation ({@code --eval-every}, {@code --eval-iters},
 * {@code --eval-batch-size}), the step log ({@code --log}, {@code --log-every}) and the sample
 * printed at the end ({@code --sample-tokens}).
 */
final class ReportFlags {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "250",
            description = "Validation loss over the whole validation file every N steps and at the end; the "
                    + "best model is kept in OUT/best; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-iters", paramLabel = "N", defaultValue = "0",
            description = "Periodic validation on N random batches (nanoGPT's eval_iters) instead of the whole "
                    + "validation file; the validation after the last step is always a full pass. "
                    + "0 = full passes (default: ${DEFAULT-VALUE}).")
    int evalIters;

    @Option(names = "--eval-batch-size", paramLabel = "B", defaultValue = "32",
            description = "Windows per forward pass during validation (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Write one JSON object per step, {\"step\",\"loss\",\"lr\",\"grad_norm\",\"tokens_per_s\","
                    + "\"ms\"} (grad_norm before clipping, ms = wall time of the step), and one per validation, "
                    + "{\"step\",\"val_loss\"}.")
    Path log;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "100",
            description = "Progress line on standard error every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--sample-tokens", paramLabel = "N", defaultValue = "300",
            description = "Tokens of text to print after training, when the tokenizer is known; 0 = none "
                    + "(default: ${DEFAULT-VALUE}).")
    int sampleTokens;

    /** Checks the ranges, and that --log names a file. */
    void check() {
        Flags.nonNegative(spec, "--eval-every", evalEvery);
        Flags.nonNegative(spec, "--eval-iters", evalIters);
        Flags.positive(spec, "--eval-batch-size", evalBatchSize);
        Flags.positive(spec, "--log-every", logEvery);
        Flags.nonNegative(spec, "--sample-tokens", sampleTokens);
        if (log != null && Files.isDirectory(log)) {
            throw Flags.usage(spec, "--log " + log + " is a directory; give a file name");
        }
    }

    /** Sets the trainer's validation. */
    void applyTo(Trainer trainer) {
        trainer.evalEvery(evalEvery).evalIters(evalIters).evalBatchSize(evalBatchSize);
    }
}
