package org.decoder4j.train;

/**
 * The outcome of {@link Trainer#fit()}.
 *
 * <pre>{@code
 * TrainingReport report = trainer.fit();
 * System.out.printf("val loss %.4f after %d steps%n", report.finalValLoss(), report.steps());
 * double[] losses = report.history().stepLosses();          // one per step, for a plot or a test
 * }</pre>
 *
 * @param steps              optimizer steps taken
 * @param finalTrainLoss     training loss of the last step
 * @param finalValLoss       validation loss of the last evaluation (NaN without validation data)
 * @param bestValLoss        lowest validation loss seen (NaN without validation data)
 * @param medianStepMillis   median wall time of a step, evaluations excluded
 * @param tokensPerSecond    training throughput at the median step time
 * @param totalSeconds       wall time of the whole run, evaluations included
 * @param skippedSteps       optimizer steps skipped for non-finite gradients (mixed precision)
 * @param history            the training loss of every step and the validation loss of every
 *                           evaluation of this run
 */
public record TrainingReport(long steps, double finalTrainLoss, double finalValLoss, double bestValLoss,
                             double medianStepMillis, double tokensPerSecond, double totalSeconds,
                             long skippedSteps, TrainingHistory history) {

    /**
     * Checks the history is there.
     *
     * @param steps              optimizer steps taken
     * @param finalTrainLoss     training loss of the last step
     * @param finalValLoss       validation loss of the last evaluation (NaN without validation data)
     * @param bestValLoss        lowest validation loss seen (NaN without validation data)
     * @param medianStepMillis   median wall time of a step, evaluations excluded
     * @param tokensPerSecond    training throughput at the median step time
     * @param totalSeconds       wall time of the whole run, evaluations included
     * @param skippedSteps       optimizer steps skipped for non-finite gradients (mixed precision)
     * @param history            the training loss of every step and the validation loss of every
     *     evaluation of this run
     * @throws NullPointerException if {@code history} is null
     */
    public TrainingReport {
        java.util.Objects.requireNonNull(history, "history: use TrainingHistory.empty()");
    }

    /**
     * A report of a run without skipped steps and without a recorded history.
     *
     * @param steps            optimizer steps taken
     * @param finalTrainLoss   training loss of the last step
     * @param finalValLoss     validation loss of the last evaluation
     * @param bestValLoss      lowest validation loss seen
     * @param medianStepMillis median wall time of a step
     * @param tokensPerSecond  training throughput
     * @param totalSeconds     wall time of the whole run
     */
    public TrainingReport(long steps, double finalTrainLoss, double finalValLoss, double bestValLoss,
                          double medianStepMillis, double tokensPerSecond, double totalSeconds) {
        this(steps, finalTrainLoss, finalValLoss, bestValLoss, medianStepMillis, tokensPerSecond, totalSeconds, 0,
                TrainingHistory.empty());
    }
}
