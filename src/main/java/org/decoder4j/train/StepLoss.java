package org.decoder4j.train;

/**
 * What a {@link GradientComputation} reports for a step, besides the gradients it left in the
 * parameters.
 *
 * @param loss   the step's training loss, before any loss scaling
 * @param tokens tokens the step's batches held
 */
public record StepLoss(double loss, long tokens) {
}
