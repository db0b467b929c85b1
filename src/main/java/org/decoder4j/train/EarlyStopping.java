package org.decoder4j.train;

import java.util.Locale;
import org.decoder4j.eval.EvalResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a run when the validation loss has stopped improving: after {@code patience} validation
 * passes in a row whose loss is not below the best so far by more than {@code minDelta}. The
 * first validation pass sets the best; a loss that is not a number never improves on it. The
 * run then ends after that pass, saves its model and reports as usual (the model with the best
 * validation loss is the trainer's {@code best/} checkpoint).
 *
 * <pre>{@code
 * EarlyStopping early = new EarlyStopping(3, 0.01);   // 3 evaluations without a 0.01 gain
 * Trainer.forModel(model).data(train, val).evalEvery(250).listener(early).fit();
 * if (early.stopped()) {
 *     System.out.println("best " + early.bestLoss() + " at step " + early.bestStep());
 * }
 * }</pre>
 *
 * <p>It counts validation passes, so it needs validation data and acts only as often as the
 * trainer evaluates ({@code evalEvery}).
 */
public final class EarlyStopping implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(EarlyStopping.class);

    private final int patience;
    private final double minDelta;
    private double bestLoss;
    private long bestStep;
    private int sinceBest;
    private long stoppedAt;

    /**
     * Stops after {@code patience} validation passes without any improvement.
     *
     * @param patience validation passes without improvement before stopping, {@code >= 1}
     */
    public EarlyStopping(int patience) {
        this(patience, 0);
    }

    /**
     * Stops after {@code patience} validation passes without an improvement larger than {@code minDelta}.
     *
     * @param patience validation passes without improvement before stopping, {@code >= 1}
     * @param minDelta the smallest decrease of the loss that counts as an improvement, {@code >= 0}
     */
    public EarlyStopping(int patience, double minDelta) {
        if (patience <= 0) {
            throw new IllegalArgumentException("patience must be at least one evaluation, got " + patience);
        }
        if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
            throw new IllegalArgumentException("min delta must be a finite number >= 0, got " + minDelta);
        }
        this.patience = patience;
        this.minDelta = minDelta;
        reset();
    }

    private void reset() {
        bestLoss = Double.NaN;
        bestStep = -1;
        sinceBest = 0;
        stoppedAt = -1;
    }

    @Override
    public void onStart(long startStep, long totalSteps) {
        reset();
    }

    @Override
    public void onEvaluation(long step, EvalResult result) {
        double loss = result.loss();
        if (Double.isNaN(bestLoss) ? Double.isFinite(loss) : loss < bestLoss - minDelta) {   // inf never improves
            bestLoss = loss;
            bestStep = step;
            sinceBest = 0;
            return;
        }
        sinceBest++;
        if (sinceBest >= patience && stoppedAt < 0) {
            stoppedAt = step;
            LOG.info(String.format(Locale.ROOT, "early stop at step %d: %d validations in a row have not lowered "
                    + "the validation loss of %.4f (step %d) by more than %s; the last was %.4f", step, sinceBest,
                    bestLoss, bestStep, minDelta, loss));
        }
    }

    @Override
    public boolean stopRequested() {
        return stoppedAt >= 0;
    }

    /**
     * Whether this run was ended here.
     *
     * @return true if this listener stopped the run
     */
    public boolean stopped() {
        return stoppedAt >= 0;
    }

    /**
     * The step count at which the run was ended, or -1 if it was not.
     *
     * @return the step count, or -1
     */
    public long stoppedAt() {
        return stoppedAt;
    }

    /**
     * The validation loss the patience counts from: the last one that improved on its predecessor
     * by more than the minimum delta; with a delta of 0, the lowest seen. NaN before the first
     * evaluation with a number.
     *
     * @return the best loss, or NaN
     */
    public double bestLoss() {
        return bestLoss;
    }

    /**
     * The step count of {@link #bestLoss()}, or -1 before it.
     *
     * @return the step count, or -1
     */
    public long bestStep() {
        return bestStep;
    }
}
