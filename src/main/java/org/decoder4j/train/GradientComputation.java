package org.decoder4j.train;

import org.decoder4j.amp.Precision;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.nn.GPT;

/**
 * How a training step's gradients are computed: in this process ({@link LocalGradients}, the
 * default) or by workers elsewhere, such as the Spark executors of
 * {@code org.decoder4j.distributed.SparkDataParallel}. The {@link Trainer} keeps everything else —
 * learning-rate schedule, loss scaling, clipping, the optimizer step, evaluation, checkpoints —
 * so a run's trajectory does not depend on where its gradients were computed.
 *
 * <pre>{@code
 * try (SparkDataParallel workers = SparkDataParallel.local(2)) {
 *     Trainer.forModel(model).data(train, val).batchSize(8).steps(2000)
 *             .distributed(workers)
 *             .fit();
 * }
 * }</pre>
 */
public interface GradientComputation {

    /**
     * Called by {@link Trainer#fit()} before the first step, so that a run this computation cannot
     * serve fails before it starts. Does nothing by default.
     *
     * @param model     the model being trained; its parameters are the ones to fill with gradients
     * @param sampler   where the run's batches come from
     * @param precision the run's precision policy
     */
    default void start(GPT model, BatchSampler sampler, Precision precision) {
    }

    /**
     * Draws {@code step.accumulation()} batches from {@code step.sampler()} and adds to the model's
     * parameter gradients (zero on entry) those of the step's loss: the mean over the micro-batches
     * of each one's mean token loss, times {@code step.lossScale()}.
     *
     * @return the step's loss (unscaled) and the tokens it saw
     * @param step the step's number, sampler, micro-batch count, dropout seed and loss scale
     */
    StepLoss accumulate(GradientStep step);
}
