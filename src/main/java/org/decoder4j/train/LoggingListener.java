package org.decoder4j.train;

import org.decoder4j.eval.EvalResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs progress through SLF4J every {@code every} steps: step, loss, learning rate, tokens per
 * second and the estimated time left; and every validation result.
 *
 * <pre>{@code
 * trainer.listener(new LoggingListener(100));
 * }</pre>
 */
public final class LoggingListener implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LoggingListener.class);

    private final int every;
    private long totalSteps;
    private long started;
    private long firstStep;

    /**
     * A listener logging a progress line every {@code every} steps (and after the last).
     *
     * @param every the interval in steps, {@code >= 1}
     */
    public LoggingListener(int every) {
        if (every <= 0) {
            throw new IllegalArgumentException("log interval must be positive, got " + every);
        }
        this.every = every;
    }

    @Override
    public void onStart(long startStep, long total) {
        this.totalSteps = total;
        this.firstStep = startStep;
        this.started = System.nanoTime();
    }

    @Override
    public void onStep(StepResult s) {
        long done = s.step() + 1;
        if (done % every != 0 && done != totalSteps) {
            return;
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        double perStep = elapsed / Math.max(1, done - firstStep);
        long etaSeconds = Math.round(perStep * (totalSteps - done));
        LOG.info(String.format("step %d/%d  loss %.4f  lr %.3e  grad-norm %.3f  %.0f tok/s  %.1f ms  rss %d MB  eta %d:%02d",
                done, totalSteps, s.loss(), s.lr(), s.gradNorm(), s.tokensPerSecond(), s.millis(),
                ResidentMemory.currentBytes() >> 20, etaSeconds / 60, etaSeconds % 60));
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        LOG.info(String.format("step %d  val loss %.4f  perplexity %.3f  accuracy %.4f  (%d tokens)",
                step, r.loss(), r.perplexity(), r.accuracy(), r.tokens()));
    }
}
