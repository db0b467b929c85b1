package org.decoder4j.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.train.ConsoleProgressBar;
import org.decoder4j.train.CsvMetricsLog;
import org.decoder4j.train.EarlyStopping;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.LossPlot;
import org.decoder4j.train.Trainer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code train}'s flags for what watches a run: the progress bar (or the progress lines it
 * replaces), the CSV metrics table, the loss plot and early stopping; and the listeners they
 * add to the trainer.
 */
final class ListenerFlags {

    /** Smoothing of the plotted training loss: about the last ten steps. */
    private static final double PLOT_SMOOTHING = 0.9;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--progress", negatable = true,
            description = "A progress bar on standard error in place of the --log-every lines (default: on when "
                    + "the console is a terminal).")
    Boolean progress;

    @Option(names = "--metrics-csv", paramLabel = "FILE",
            description = "Write a CSV table with the columns step,loss,lr,grad_norm,tokens_per_s,ms,val_loss: "
                    + "a row per step, and a row with step and val_loss per validation.")
    Path metricsCsv;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Draw the training loss (raw and smoothed) and the validation loss against the step "
                    + "into a PNG at the end of the run.")
    Path plot;

    @Option(names = "--early-stop", paramLabel = "PATIENCE",
            description = "Stop when PATIENCE validations in a row have not lowered the best validation loss by "
                    + "more than --early-stop-delta; needs validation data.")
    Integer earlyStop;

    @Option(names = "--early-stop-delta", paramLabel = "D", defaultValue = "0",
            description = "The gain in validation loss that counts as an improvement for --early-stop "
                    + "(default: ${DEFAULT-VALUE}).")
    double earlyStopDelta;

    /** Range checks; a failure is a usage error. */
    void check() {
        if (earlyStop != null) {
            Flags.positive(spec, "--early-stop", earlyStop);
        }
        Flags.nonNegative(spec, "--early-stop-delta", earlyStopDelta);
        if (earlyStop == null && earlyStopDelta != 0) {
            throw Flags.usage(spec, "--early-stop-delta needs --early-stop PATIENCE");
        }
        notADirectory("--metrics-csv", metricsCsv);
        notADirectory("--plot", plot);
    }

    private void notADirectory(String flag, Path file) {
        if (file != null && Files.isDirectory(file)) {
            throw Flags.usage(spec, flag + " " + file + " is a directory; give a file name");
        }
    }

    /** Early stopping counts validations: a run without validation data cannot have it. */
    void checkValidation(boolean hasValidationData) {
        if (earlyStop != null && !hasValidationData) {
            throw Flags.usage(spec, "--early-stop needs validation data, and this run has none (give --val FILE, "
                    + "or a --data directory with a val.bin)");
        }
    }

    /** Whether the progress bar is shown: as asked, else when the console is a terminal. */
    boolean showsProgress() {
        return progress != null ? progress : System.console() != null;
    }

    /**
     * Adds the listeners the flags ask for to {@code trainer}, and the progress bar or, without it,
     * progress lines every {@code logEvery} steps. Close what this returns after the run.
     *
     * @param resumed a resumed run appends to its metrics file
     */
    Closeable addTo(Trainer trainer, int logEvery, boolean resumed) throws IOException {
        trainer.listener(showsProgress() ? new ConsoleProgressBar(System.err) : new LoggingListener(logEvery));
        if (earlyStop != null) {
            trainer.listener(new EarlyStopping(earlyStop, earlyStopDelta));
        }
        if (plot != null) {
            trainer.listener(LossPlot.to(plot).smoothing(PLOT_SMOOTHING));
        }
        if (metricsCsv == null) {
            return () -> { };
        }
        CsvMetricsLog csv = resumed ? CsvMetricsLog.append(metricsCsv) : CsvMetricsLog.create(metricsCsv);
        trainer.listener(csv);
        return csv;
    }
}
