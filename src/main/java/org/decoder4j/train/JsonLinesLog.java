package org.decoder4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Writes one JSON object per step: {@code {"step":k,"loss":…,"lr":…,"grad_norm":…,"ms":…}}.
 *
 * <pre>{@code
 * try (JsonLinesLog log = JsonLinesLog.create(Path.of("out/log.jsonl"))) {
 *     Trainer.forModel(model).listener(log)...fit();
 * }
 * }</pre>
 */
public final class JsonLinesLog implements TrainingListener, AutoCloseable {

    private final BufferedWriter out;

    private JsonLinesLog(BufferedWriter out) {
        this.out = out;
    }

    /** Creates (or truncates) the file. */
    public static JsonLinesLog create(Path file) throws IOException {
        return open(file, false);
    }

    /** Opens the file for appending (a resumed run continues its log). */
    public static JsonLinesLog append(Path file) throws IOException {
        return open(file, true);
    }

    private static JsonLinesLog open(Path file, boolean append) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new JsonLinesLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING));
    }

    @Override
    public void onStep(StepResult s) {
        try {
            out.write(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%s,\"lr\":%s,\"grad_norm\":%s,\"ms\":%.3f}",
                    s.step(), number(s.loss()), number(s.lr()), number(s.gradNorm()), s.millis()));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the step log", e);
        }
    }

    private static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "\"" + v + "\"";
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
