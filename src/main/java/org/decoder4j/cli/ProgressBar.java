package org.decoder4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import org.decoder4j.data.corpus.CorpusPreparation;

/**
 * A one-line progress bar on standard error, redrawn at most five times a second:
 * {@code encoding   [##########----------]  50%   512.0/1024.0 MB   21.3 MB/s}.
 */
final class ProgressBar implements CorpusPreparation.Progress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 200_000_000L;

    private final PrintWriter err;
    private String stage;
    private long stageStart;
    private long lastDraw;
    private long lastDone;
    private long lastTotal;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    @Override
    public void update(String newStage, long done, long total) {
        long now = System.nanoTime();
        if (!newStage.equals(stage)) {
            finishLine();
            stage = newStage;
            stageStart = now;
            lastDraw = 0;
        }
        lastDone = done;
        lastTotal = total;
        if (now - lastDraw >= REDRAW_NANOS || done >= total) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        double fraction = lastTotal <= 0 ? 1 : Math.min(1, (double) lastDone / lastTotal);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-9, (now - stageStart) / 1e9);
        err.printf(Locale.ROOT, "\r%-19s [%s%s] %3d%%  %8.1f/%.1f MB  %6.1f MB/s", stage,
                "#".repeat(filled), "-".repeat(WIDTH - filled), Math.round(100 * fraction),
                lastDone / 1e6, lastTotal / 1e6, lastDone / 1e6 / seconds);
        err.flush();
    }

    /** Ends the current line, if a bar was drawn. */
    void finishLine() {
        if (stage != null) {
            draw(System.nanoTime());
            err.println();
            err.flush();
            stage = null;
        }
    }
}
