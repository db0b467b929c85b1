package org.decoder4j.train;

import java.util.List;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;

/**
 * The plain values of a training run that a checkpoint records beside the tensors
 * ({@value TrainingCheckpoint#STATE_FILE}): where the run stands and the settings that must not
 * change for a resumed run to continue exactly.
 *
 * @param step                optimizer steps completed
 * @param samplerPosition     batches drawn from the training sampler so far
 * @param seed                seed of the batch order and of the dropout masks
 * @param batchSize           windows per micro-batch
 * @param contextLength       tokens per window
 * @param accumulation        micro-batches per optimizer step
 * @param sampling            how windows are drawn
 * @param optimizerSteps      the optimizer's own step count
 * @param groupLrs            each parameter group's learning rate at the checkpoint
 * @param bestValLoss         lowest validation loss so far (NaN if none)
 * @param lastValLoss         the latest validation loss (NaN if none)
 * @param precision           the precision policy of the run
 * @param scaler              the loss scaler's state, or null without loss scaling
 */
public record TrainerState(long step, long samplerPosition, long seed, int batchSize, int contextLength,
                           int accumulation, WindowSampling sampling, long optimizerSteps, List<Double> groupLrs,
                           double bestValLoss, double lastValLoss, Precision precision, GradScaler.State scaler) {

    /**
     * Keeps an unmodifiable copy of the learning rates.
     *
     * @param step                optimizer steps completed
     * @param samplerPosition     batches drawn from the training sampler so far
     * @param seed                seed of the batch order and of the dropout masks
     * @param batchSize           windows per micro-batch
     * @param contextLength       tokens per window
     * @param accumulation        micro-batches per optimizer step
     * @param sampling            how windows are drawn
     * @param optimizerSteps      the optimizer's own step count
     * @param groupLrs            each parameter group's learning rate at the checkpoint
     * @param bestValLoss         lowest validation loss so far (NaN if none)
     * @param lastValLoss         the latest validation loss (NaN if none)
     * @param precision           the precision policy of the run
     * @param scaler              the loss scaler's state, or null without loss scaling
     */
    public TrainerState {
        groupLrs = List.copyOf(groupLrs);
    }
}
