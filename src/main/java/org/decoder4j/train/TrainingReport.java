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
 */
public record TrainingReport(long steps, double finalTrainLoss, double finalValLoss, double bestValLoss,
                             double medianStepMillis, double tokensPerSecond, double totalSeconds) {
}
