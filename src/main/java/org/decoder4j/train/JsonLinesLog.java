package org.decoder4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.decoder4j.eval.EvalResult;

/**
 * Training metrics as JSON lines: one object per step,
 * {@code {"step":k,"loss":…,"lr":…,"grad_norm":…,"tokens_per_s":…,"ms":…}}, and one per
 * validation pass, {@code {"step":k,"val_loss":…}}. A value that is not finite (a diverged loss)
 * is written as a string: {@code "NaN"}, {@code "Infinity"}. See {@link MetricsLog} for what the
 * fields mean.
 *
 * <pre>{@code
 * try (JsonLinesLog log = JsonLinesLog.create(Path.of("out/log.jsonl"))) {
 *     Trainer.forModel(model).listener(log)...fit();
 * }
 * }</pre>
 */
public final class JsonLinesLog extends MetricsLog {

    private JsonLinesLog(Path file, boolean append) throws IOException {
        super(file, append);
    }

    /**
     * Creates (or truncates) the file.
     *
     * @param file the JSON lines file
     * @return the open log, to be closed after the run
     * @throws IOException if the file cannot be created
     */
    public static JsonLinesLog create(Path file) throws IOException {
        return new JsonLinesLog(file, false);
    }

    /**
     * Opens the file for appending (a resumed run continues its log).
     *
     * @param file the JSON lines file
     * @return the open log, to be closed after the run
     * @throws IOException if the file cannot be opened
     */
    public static JsonLinesLog append(Path file) throws IOException {
        return new JsonLinesLog(file, true);
    }

    @Override
    String stepLine(StepResult s) {
        return String.format(Locale.ROOT,
                "{\"step\":%d,\"loss\":%s,\"lr\":%s,\"grad_norm\":%s,\"tokens_per_s\":%.1f,\"ms\":%.3f}",
                s.step(), number(s.loss()), number(s.lr()), number(s.gradNorm()), s.tokensPerSecond(), s.millis());
    }

    @Override
    String evaluationLine(long step, EvalResult r) {
        return String.format(Locale.ROOT, "{\"step\":%d,\"val_loss\":%s}", step, number(r.loss()));
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "\"" + v + "\"";
    }
}
