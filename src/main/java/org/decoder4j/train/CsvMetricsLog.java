package org.decoder4j.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.decoder4j.eval.EvalResult;

/**
 * Training metrics as CSV with the fixed columns {@value #HEADER}, the header written once at
 * the top. A step row leaves {@code val_loss} empty; a validation row fills only {@code step} and
 * {@code val_loss}. Numbers are written with {@code Double.toString} ({@code NaN} for a diverged
 * loss), so they read back exactly. See {@link MetricsLog} for what the columns mean.
 *
 * <pre>{@code
 * try (CsvMetricsLog csv = CsvMetricsLog.create(Path.of("out/metrics.csv"))) {
 *     Trainer.forModel(model).data(train, val).listener(csv).fit();
 * }
 * // step,loss,lr,grad_norm,tokens_per_s,ms,val_loss
 * // 0,4.1979,9.9E-6,4.9898,1302.5,590.166,
 * // ...
 * // 250,,,,,,2.6021
 * }</pre>
 */
public final class CsvMetricsLog extends MetricsLog {

    /** The first line of every file this class writes. */
    public static final String HEADER = "step,loss,lr,grad_norm,tokens_per_s,ms,val_loss";

    private CsvMetricsLog(Path file, boolean append) throws IOException {
        super(file, append);
    }

    /**
     * Creates (or truncates) the file and writes the header.
     *
     * @param file the CSV file
     * @return the open log, to be closed after the run
     * @throws IOException if the file cannot be created
     */
    public static CsvMetricsLog create(Path file) throws IOException {
        CsvMetricsLog log = new CsvMetricsLog(file, false);
        log.writeLine(HEADER);
        return log;
    }

    /**
     * Opens the file for appending (a resumed run continues its table); the header is written
     * only if the file is new or empty.
     *
     * @throws IOException if the file exists and does not start with {@link #HEADER}
     * @param file the CSV file
     * @return the open log, to be closed after the run
     */
    public static CsvMetricsLog append(Path file) throws IOException {
        boolean fresh = !Files.exists(file) || Files.size(file) == 0;
        if (!fresh) {
            String first;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                first = in.readLine();
            }
            if (!HEADER.equals(first)) {
                throw new IOException(file + " is not a metrics table: its first line is not \"" + HEADER + "\"");
            }
        }
        CsvMetricsLog log = new CsvMetricsLog(file, true);
        if (fresh) {
            log.writeLine(HEADER);
        }
        return log;
    }

    @Override
    String stepLine(StepResult s) {
        return String.format(Locale.ROOT, "%d,%s,%s,%s,%.1f,%.3f,", s.step(), s.loss(), s.lr(), s.gradNorm(),
                s.tokensPerSecond(), s.millis());
    }

    @Override
    String evaluationLine(long step, EvalResult r) {
        return step + ",,,,,," + r.loss();
    }
}
