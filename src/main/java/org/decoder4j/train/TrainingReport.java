package org.decoder4j.train;

/**
 * The outcome of {@link Trainer#fit()}.
 *
 * @param steps              optimizer steps taken
 * @param finalTrainLoss     training loss of the last step
 * @param finalValLoss       validation loss of the last evaluation (NaN without validation data)
 * @param bestValLoss        lowest validation loss seen (NaN without validation data)
 * @param medianStepMillis   median wall time of a step, evaluations excluded
 * @param tokensPerSecond    training throughput at the median step time
 * @param totalSeconds       wall time of the whole run, evaluations included
 * @param skippedSteps       optimizer steps skipped for non-finite gradients (mixed precision)
 */
public record TrainingReport(long steps, double finalTrainLoss, double finalValLoss, double bestValLoss,
                             double medianStepMillis, double tokensPerSecond, double totalSeconds,
                             long skippedSteps) {

    /** A report of a run without skipped steps. */
    public TrainingReport(long steps, double finalTrainLoss, double finalValLoss, double bestValLoss,
                          double medianStepMillis, double tokensPerSecond, double totalSeconds) {
        this(steps, finalTrainLoss, finalValLoss, bestValLoss, medianStepMillis, tokensPerSecond, totalSeconds, 0);
    }
}
