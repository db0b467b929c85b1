package org.decoder4j.train;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.decoder4j.amp.MixedPrecision;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.optim.OptimizerSettings;

/**
 * Everything a training run is told, as one immutable value: what {@link Trainer}'s fluent
 * methods collect, checked for consistency once. The run itself (the loop, evaluations,
 * checkpoints) is {@link Trainer#fit()}'s.
 *
 * <pre>{@code
 * TrainingSettings s = Trainer.forModel(model).data(train, val).steps(2000).settings();
 * long steps = s.steps();   // 2000
 * }</pre>
 *
 * @param train           training tokens, or null when {@code batches} supplies the batches
 * @param val             validation tokens, or null for none (no evaluations, no best model)
 * @param batches         the source of training batches with {@link WindowSampling#CUSTOM}, else null
 * @param sampling        how training windows are drawn
 * @param batchSize       windows per (micro-)batch
 * @param accumulation    micro-batches per optimizer step
 * @param contextLength   sequence length of the training windows
 * @param steps           total optimizer steps (ignored when {@code epochs > 0})
 * @param epochs          epochs over shuffled windows, or 0 to count steps
 * @param optimizer       the optimizer's settings
 * @param decayEmbeddings whether the embeddings get weight decay
 * @param schedule        the learning-rate schedule
 * @param schedulePerEpoch whether the schedule is a function of the epoch instead of the step
 * @param precision       the precision and its loss-scaling policy
 * @param clipNorm        the largest gradient norm, 0 for no clipping
 * @param clipNormType    the norm's p (2, p, or infinity)
 * @param seed            seed of the batch order and the dropout masks
 * @param evalEvery       evaluation interval in steps, 0 for only at the end
 * @param evalIters       batches per sampled periodic evaluation, 0 for full passes
 * @param evalBatchSize   windows per forward pass of a full evaluation
 * @param checkpointDir   the output directory, or null for none
 * @param checkpointEvery checkpoint interval in steps, 0 for never
 * @param keepCheckpoints how many periodic checkpoints are kept
 * @param resumeFrom      the checkpoint to continue, or null
 * @param tokenizer       the tokenizer written beside the model, or null
 * @param listeners       the listeners, in call order
 * @param distributed     the gradient computation, or null to compute in this process
 * @param maxBadSteps     non-finite (or diverged) steps allowed in a row
 * @param maxSkippedSteps steps the loss scaler may skip in a row
 */
public record TrainingSettings(TokenDataset train, TokenDataset val, BatchSampler batches, WindowSampling sampling,
                               int batchSize, int accumulation, int contextLength, long steps, long epochs,
                               OptimizerSettings optimizer, boolean decayEmbeddings, LrSchedule schedule,
                               boolean schedulePerEpoch, MixedPrecision precision, double clipNorm,
                               double clipNormType, long seed, long evalEvery, int evalIters, int evalBatchSize,
                               Path checkpointDir, long checkpointEvery, int keepCheckpoints, Path resumeFrom,
                               Tokenizer tokenizer, List<TrainingListener> listeners,
                               GradientComputation distributed, int maxBadSteps, int maxSkippedSteps) {

    /**
     * Checks that the settings describe one run: data to train on, a batch source that agrees
     * with the sampling, a directory for checkpoints.
     *
     * @param train           training tokens, or null
     * @param val             validation tokens, or null
     * @param batches         the custom batch source, or null
     * @param sampling        how training windows are drawn
     * @param batchSize       windows per (micro-)batch
     * @param accumulation    micro-batches per step
     * @param contextLength   sequence length
     * @param steps           total steps
     * @param epochs          epochs, or 0
     * @param optimizer       the optimizer's settings
     * @param decayEmbeddings whether the embeddings get weight decay
     * @param schedule        the schedule
     * @param schedulePerEpoch whether the schedule counts epochs
     * @param precision       the precision policy
     * @param clipNorm        the clipping norm
     * @param clipNormType    the norm type
     * @param seed            the seed
     * @param evalEvery       evaluation interval
     * @param evalIters       sampled evaluation batches
     * @param evalBatchSize   full-evaluation batch size
     * @param checkpointDir   the output directory
     * @param checkpointEvery checkpoint interval
     * @param keepCheckpoints checkpoints kept
     * @param resumeFrom      the checkpoint to continue
     * @param tokenizer       the tokenizer
     * @param listeners       the listeners
     * @param distributed     the gradient computation
     * @param maxBadSteps     bad steps allowed in a row
     * @param maxSkippedSteps skipped steps allowed in a row
     */
    public TrainingSettings {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(precision, "precision");
        listeners = List.copyOf(listeners);
        if (train == null && batches == null) {
            throw new IllegalStateException("no training data: call data(train, val) or batches(sampler, val) first");
        }
        if (batches == null && sampling == WindowSampling.CUSTOM) {
            throw new IllegalStateException("custom sampling needs batches(sampler, val)");
        }
        if (batches != null && sampling != WindowSampling.CUSTOM) {
            throw new IllegalStateException("batches(sampler) supplies the batches; sampling(" + sampling
                    + ") cannot apply");
        }
        if (checkpointEvery > 0 && checkpointDir == null) {
            throw new IllegalStateException("checkpointEvery needs a checkpointDir to write to");
        }
    }

    /**
     * Whether checkpoints or best models may be written: decides if an output directory holding
     * another run's checkpoints must be refused.
     *
     * @return true when the run writes checkpoints or evaluates
     */
    public boolean writesCheckpoints() {
        return checkpointEvery > 0 || val != null;
    }
}
