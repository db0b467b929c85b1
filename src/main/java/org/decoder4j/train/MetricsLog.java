package org.decoder4j.train;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.decoder4j.eval.EvalResult;

/**
 * A training-metrics file: one line per optimizer step and one per validation pass, each written
 * whole and flushed at once, so a run that crashes leaves complete lines. {@link JsonLinesLog} and
 * {@link CsvMetricsLog} decide how a line looks; both carry the same fields:
 *
 * <ul>
 *   <li>step lines: {@code step} (from 0), {@code loss}, {@code lr}, {@code grad_norm},
 *       {@code tokens_per_s}, {@code ms}, as in {@link StepResult};
 *   <li>evaluation lines: {@code step} (steps completed, the same count a step line's index is:
 *       both measure the model after that many updates) and {@code val_loss}.
 * </ul>
 *
 * <pre>{@code
 * try (MetricsLog csv = CsvMetricsLog.create(Path.of("out/metrics.csv"))) {
 *     Trainer.forModel(model).data(train, val).listener(csv).fit();
 * }
 * }</pre>
 */
public abstract class MetricsLog implements TrainingListener, Closeable {

    private final Path file;
    private final BufferedWriter out;

    /** Opens {@code file} (its directory is created if missing), truncating it unless {@code append}. */
    MetricsLog(Path file, boolean append) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        this.file = file;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * The file being written.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    /** The line for one optimizer step, without its line break. */
    abstract String stepLine(StepResult s);

    /** The line for one validation pass after {@code step} steps, without its line break. */
    abstract String evaluationLine(long step, EvalResult r);

    @Override
    public void onStep(StepResult s) {
        writeLine(stepLine(s));
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        writeLine(evaluationLine(step, r));
    }

    /** Writes {@code line} and a line break, and flushes them to the file. */
    final void writeLine(String line) {
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics file " + file, e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
