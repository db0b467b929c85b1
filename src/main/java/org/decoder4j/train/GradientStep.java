package org.decoder4j.train;

import org.decoder4j.data.batch.BatchSampler;

/**
 * What a {@link GradientComputation} is asked to do for one optimizer step.
 *
 * @param step         0-based step index
 * @param sampler      the run's batch sampler, positioned at the step's first micro-batch
 * @param accumulation micro-batches to draw and average
 * @param dropoutSeed  the step's dropout seed, derived by the trainer from its seed and the step; the computation
 *                     reseeds the model(s) it runs with it
 * @param lossScale    factor on the loss before backward (the loss scaler's scale; 1 without one)
 */
public record GradientStep(long step, BatchSampler sampler, int accumulation, long dropoutSeed, double lossScale) {
}
