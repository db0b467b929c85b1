package org.decoder4j.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.decoder4j.eval.EvalResult;

/**
 * A progress bar on one console line, redrawn in place ({@code \r}) at most every
 * {@code redrawMillis}: percentage, bar, steps done, the last step's loss, the learning rate,
 * throughput (tokens over the summed step times, evaluations excluded) and the estimated time
 * left (from the wall time so far, evaluations included).
 *
 * <pre>
 *  45% [#########-----------] 900/2000  loss 1.9123  lr 8.10e-04  5184 tok/s  eta 1:23
 * </pre>
 *
 * Each validation result is written on a line of its own above the bar, and the run's end
 * leaves the final bar and a line break. The bar is console output by nature: it goes to the
 * stream given, which should be a terminal (the command line shows it only there, unless asked).
 *
 * <pre>{@code
 * trainer.listener(new ConsoleProgressBar(System.err));
 * }</pre>
 */
public final class ConsoleProgressBar implements TrainingListener {

    private static final int BAR_WIDTH = 20;
    private static final long DEFAULT_REDRAW_MILLIS = 200;

    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final long redrawNanos;

    private long firstStep;
    private long totalSteps;
    private long startedNanos;
    private long lastDrawNanos;
    private boolean drawnSinceStart;
    private int shownLength;
    private StepResult last;
    private long tokens;
    private double stepMillis;

    /**
     * A bar on {@code out}, redrawn at most five times a second.
     *
     * @param out where to draw, usually {@code System.err}
     */
    public ConsoleProgressBar(PrintStream out) {
        this(out, System::nanoTime, DEFAULT_REDRAW_MILLIS);
    }

    /** A bar on {@code out} that reads time from {@code nanoTime} and is redrawn at most every {@code redrawMillis}. */
    ConsoleProgressBar(PrintStream out, LongSupplier nanoTime, long redrawMillis) {
        this.out = out;
        this.nanoTime = nanoTime;
        this.redrawNanos = redrawMillis * 1_000_000;
    }

    @Override
    public void onStart(long startStep, long total) {
        firstStep = startStep;
        totalSteps = total;
        startedNanos = nanoTime.getAsLong();
        drawnSinceStart = false;
        shownLength = 0;
        last = null;
        tokens = 0;
        stepMillis = 0;
    }

    @Override
    public void onStep(StepResult s) {
        last = s;
        tokens += s.tokens();
        stepMillis += s.millis();
        long now = nanoTime.getAsLong();
        boolean due = !drawnSinceStart || now - lastDrawNanos >= redrawNanos || s.step() + 1 >= totalSteps;
        if (due) {
            draw(now);
        }
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        replaceLine(String.format(Locale.ROOT, "step %d  val loss %.4f  perplexity %.3f  accuracy %.4f", step,
                r.loss(), r.perplexity(), r.accuracy()));
        out.println();
        shownLength = 0;
        drawnSinceStart = false;   // the next step redraws the bar at once
        out.flush();
    }

    @Override
    public void onFinish(TrainingReport report) {
        if (last != null) {
            draw(nanoTime.getAsLong());
        }
        if (shownLength > 0) {
            out.println();
            shownLength = 0;
        }
        out.flush();
    }

    private void draw(long now) {
        replaceLine(line(now));
        out.flush();
        lastDrawNanos = now;
        drawnSinceStart = true;
    }

    /** The bar's text for the state after {@link #last}. */
    String line(long now) {
        long done = last.step() + 1;
        long shown = totalSteps > 0 ? Math.min(done, totalSteps) : 1;
        long of = Math.max(totalSteps, 1);
        int filled = (int) (shown * BAR_WIDTH / of);   // full, like 100%, only at the end
        StringBuilder sb = new StringBuilder(96);
        sb.append(String.format(Locale.ROOT, "%3d%% [", shown * 100 / of));
        sb.append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append("] ");
        sb.append(done).append('/').append(totalSteps);
        sb.append(String.format(Locale.ROOT, "  loss %.4f  lr %.2e  %.0f tok/s", last.loss(), last.lr(),
                stepMillis > 0 ? tokens * 1000.0 / stepMillis : 0.0));
        long stepsSoFar = done - firstStep;
        if (stepsSoFar > 0) {
            double secondsPerStep = (now - startedNanos) / 1e9 / stepsSoFar;
            long eta = Math.round(secondsPerStep * Math.max(0, totalSteps - done));
            sb.append(String.format(Locale.ROOT, "  eta %d:%02d", eta / 60, eta % 60));
        }
        return sb.toString();
    }

    /** Returns to the start of the line and writes {@code text}, blanking what is left of the previous one. */
    private void replaceLine(String text) {
        out.print('\r');
        out.print(text);
        if (shownLength > text.length()) {
            out.print(" ".repeat(shownLength - text.length()));
        }
        shownLength = text.length();
    }
}
