package org.decoder4j.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.MixedPrecision;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.optim.OptimizerSettings;

/**
 * Trains a {@link GPT} on next-token prediction: the fluent entry for the common case.
 *
 * <pre>{@code
 * TrainingReport report = Trainer.forModel(model)
 *         .data(train, val)
 *         .batchSize(12).steps(2000)
 *         .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
 *         .schedule(LrSchedule.warmupCosine(100, 2000, 1e-4))
 *         .clipGradNorm(1.0)
 *         .evalEvery(250)
 *         .checkpointDir(Path.of("out")).checkpointEvery(500)
 *         .fit();
 *
 * // the classic epoch loop: shuffled windows, the schedule stepped once per epoch
 * Trainer.forModel(model).data(train, val).batchSize(32)
 *         .epochs(30).optimizer(Adam.lr(0.001)).schedulePerEpoch(LrSchedule.stepLR(10, 0.1))
 *         .clipGradNorm(1.0).fit();
 * }</pre>
 *
 * <p>This class collects the settings ({@link #settings()}, an immutable {@link TrainingSettings});
 * {@link #fit()} hands them to a run that owns the loop. Each step: set the learning rate from the
 * schedule, draw {@code k} micro-batches, reseed the dropout masks from the run's seed and the
 * step, forward, cross-entropy, backward, clip (the norm before clipping is reported), optimizer
 * step. Intermediate arrays of a step are released when it ends, so memory stays flat over a long
 * run. Forward and backward, and the dropout reseeding, are the step's {@link GradientComputation}:
 * in this process by default, on other machines with {@link #distributed}; the rest of the step is
 * the same either way.
 *
 * <p><b>Checkpoints.</b> With {@link #checkpointEvery} the trainer writes
 * {@code DIR/checkpoints/step-N/} (a {@link TrainingCheckpoint}) every N steps, keeping the last
 * {@link #keepCheckpoints} of them, and {@code DIR/best/} at each new best validation loss.
 * {@link #resumeFrom} continues such a checkpoint to {@link #steps} in total: the batches,
 * dropout masks, learning rates and optimizer moments are those the uninterrupted run would have
 * had, so the losses are the same.
 *
 * <p><b>Numerical faults.</b> A step whose loss or gradient norm is not finite (or whose loss is
 * {@value #DIVERGED_LOSS_FACTOR}·ln V or more) is not applied, and the run stops with a
 * {@link TrainingDivergedException} naming the step once more than {@link #maxBadSteps} such
 * steps come in a row (default: at the first), or once the fp16 loss scaler has skipped more than
 * {@link #maxSkippedSteps} steps in a row. Weights holding a NaN or an infinity are never written:
 * a checkpoint, the best model or the final model that would hold them stops the run instead, and
 * the checkpoints already written stay. A validation loss that is not finite is never the best.
 */
public final class Trainer {

    private final GPT model;
    private TokenDataset train;
    private TokenDataset val;
    private BatchSampler customBatches;
    private int batchSize = 12;
    private int accumulation = 1;
    private int contextLength;
    private long steps = 1000;
    private long epochs;
    private OptimizerSettings optimizerSettings = AdamW.lr(1e-3);
    private LrSchedule schedule = LrSchedule.constant();
    private boolean schedulePerEpoch;
    private boolean decayEmbeddings = true;
    private MixedPrecision precision = MixedPrecision.FP32;
    private double clipNorm = 0;
    private double clipNormType = 2;
    private long seed = 1337;
    private WindowSampling sampling = WindowSampling.RANDOM;
    private long evalEvery = 0;
    private int evalIters = 0;
    private int evalBatchSize = 32;
    private Path checkpointDir;
    private long checkpointEvery;
    private int keepCheckpoints = 3;
    private Path resumeFrom;
    private Tokenizer tokenizer;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private GradientComputation distributed;
    private int maxBadSteps = 0;
    private int maxSkippedSteps = DEFAULT_MAX_SKIPPED_STEPS;

    /**
     * Optimizer steps the loss scaler may skip in a row before the run is taken to have diverged:
     * by then the scale has been halved this many times (from 2^16 to 1 for the default scaler).
     */
    public static final int DEFAULT_MAX_SKIPPED_STEPS = 16;

    /**
     * A training loss of this many times {@code ln V} (the loss of a uniform guess over the
     * vocabulary) counts as diverged, as a non-finite one does: it means target probabilities of
     * {@code V^-1000}, which no model short of a blown-up one assigns.
     */
    public static final double DIVERGED_LOSS_FACTOR = 1000;

    private Trainer(GPT model) {
        this.model = model;
        this.contextLength = model.config().contextLength();
    }

    /**
     * A trainer for {@code model} with AdamW(1e-3), constant rate, batch 12 and the model's full context.
     *
     * @param model the model to train
     * @return a new trainer
     */
    public static Trainer forModel(GPT model) {
        return new Trainer(model);
    }

    /**
     * Training tokens only: no validation, so no evaluations and no best model.
     *
     * @param trainTokens the tokens to train on
     * @return this trainer
     */
    public Trainer data(TokenDataset trainTokens) {
        return data(Objects.requireNonNull(trainTokens, "trainTokens"), null);
    }

    /**
     * Training tokens, and validation tokens (null for none, as {@link #data(TokenDataset)}).
     *
     * @param trainTokens the tokens to train on
     * @param valTokens   the tokens to evaluate on, or null
     * @return this trainer
     */
    public Trainer data(TokenDataset trainTokens, TokenDataset valTokens) {
        this.train = trainTokens;
        this.val = valTokens;
        return this;
    }

    /**
     * Train on batches from {@code sampler} instead of windows of a token file: for example
     * dialogue batches whose targets carry {@link org.decoder4j.loss.Loss#IGNORE_INDEX} outside
     * the assistant's turns (the loss is the mean over the other positions). Its
     * {@link BatchSampler#position()} is saved in checkpoints; {@code val} (may be null) is scored
     * as usual.
     *
     * @param sampler the source of training batches
     * @param valTokens the tokens to evaluate on, or null
     * @return this trainer
     */
    public Trainer batches(BatchSampler sampler, TokenDataset valTokens) {
        this.customBatches = Objects.requireNonNull(sampler, "sampler");
        this.val = valTokens;
        this.batchSize = sampler.batchSize();
        this.contextLength = sampler.contextLength();
        this.sampling = WindowSampling.CUSTOM;
        return this;
    }

    /**
     * Windows per batch B (per micro-batch with {@link #gradientAccumulation}); default 12.
     *
     * @param b B, {@code >= 1}
     * @return this trainer
     */
    public Trainer batchSize(int b) {
        if (b <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + b);
        }
        this.batchSize = b;
        return this;
    }

    /**
     * Accumulate gradients over {@code k} micro-batches of {@link #batchSize} windows before each
     * optimizer step: the update equals that of one batch of {@code k·batchSize} windows, with the
     * memory of one micro-batch. Default 1.
     *
     * @param k micro-batches per step, {@code >= 1}
     * @return this trainer
     */
    public Trainer gradientAccumulation(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("gradient accumulation steps must be positive, got " + k);
        }
        this.accumulation = k;
        return this;
    }

    /**
     * Sequence length of the training windows; at most the model's context length.
     *
     * @param t T, in {@code [1, model context]}
     * @return this trainer
     */
    public Trainer contextLength(int t) {
        this.contextLength = model.config().checkContext(t);
        return this;
    }

    /**
     * Total number of optimizer steps (a resumed run counts the steps before the checkpoint).
     *
     * @param n the step count, {@code >= 1}
     * @return this trainer
     */
    public Trainer steps(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + n);
        }
        this.steps = n;
        this.epochs = 0;
        return this;
    }

    /**
     * Train for {@code n} epochs over shuffled non-overlapping windows ({@link WindowSampling#SHUFFLED}):
     * every window once per epoch, a new order each epoch; the step count follows from the data.
     *
     * @param n the epoch count, {@code >= 1}
     * @return this trainer
     */
    public Trainer epochs(long n) {
        if (n <= 0) {
            throw new IllegalArgumentException("epochs must be positive, got " + n);
        }
        this.epochs = n;
        this.sampling = WindowSampling.SHUFFLED;
        return this;
    }

    /**
     * The optimizer, made at the start of {@link #fit()} over the model's parameters with nanoGPT's grouping (default AdamW 1e-3).
     *
     * @param settings the optimizer's settings, such as {@code AdamW.lr(1e-3).weightDecay(0.1)}
     * @return this trainer
     */
    public Trainer optimizer(OptimizerSettings settings) {
        this.optimizerSettings = Objects.requireNonNull(settings, "optimizer settings");
        return this;
    }

    /**
     * Whether the token and position embeddings get weight decay (default true, as nanoGPT); biases
     * and layer-norm parameters never do.
     *
     * @param on whether the embeddings are decayed
     * @return this trainer
     */
    public Trainer decayEmbeddings(boolean on) {
        this.decayEmbeddings = on;
        return this;
    }

    /**
     * The precision policy: FP32 (default), BF16_MIXED or FP16_MIXED. Mixed precision runs the
     * matrix products of forward and backward in the low precision inside an {@link org.decoder4j.tensor.Autocast}
     * scope and keeps weights, optimizer state and everything else in float32; FP16_MIXED scales
     * the loss with a {@link GradScaler} (PyTorch's defaults unless {@link #gradScaler} gives one).
     *
     * @param p the precision policy
     * @return this trainer
     */
    public Trainer precision(Precision p) {
        this.precision = precision.withPrecision(Objects.requireNonNull(p, "precision"));
        return this;
    }

    /**
     * The precision and its loss-scaling policy as one value, in place of {@link #precision(Precision)},
     * {@link #gradScaler} and {@link #noLossScaling}.
     *
     * <pre>{@code
     * trainer.precision(MixedPrecision.of(Precision.FP16_MIXED).withScaler(new GradScaler(1e6, 2, 0.5, 2)));
     * }</pre>
     *
     * @param p the precision policy
     * @return this trainer
     */
    public Trainer precision(MixedPrecision p) {
        this.precision = Objects.requireNonNull(p, "precision");
        return this;
    }

    /**
     * The loss scaler to use (with any precision; FP16_MIXED makes a default one otherwise).
     *
     * @param scaler the loss scaler
     * @return this trainer
     */
    public Trainer gradScaler(GradScaler scaler) {
        this.precision = precision.withScaler(scaler);
        return this;
    }

    /**
     * Turns loss scaling off; refused with FP16_MIXED, whose small gradients would flush to zero
     * without it.
     *
     * @return this trainer
     */
    public Trainer noLossScaling() {
        this.precision = precision.withoutLossScaling();
        return this;
    }

    /**
     * The learning rate as a function of the step (0-based), applied before each step.
     *
     * @param s the schedule
     * @return this trainer
     */
    public Trainer schedule(LrSchedule s) {
        this.schedule = Objects.requireNonNull(s, "schedule");
        this.schedulePerEpoch = false;
        return this;
    }

    /**
     * The learning rate as a function of the epoch, as with a PyTorch scheduler stepped once per
     * epoch; the epoch of a step is the epoch its first batch belongs to.
     *
     * @param s the schedule, of the epoch
     * @return this trainer
     */
    public Trainer schedulePerEpoch(LrSchedule s) {
        this.schedule = Objects.requireNonNull(s, "schedule");
        this.schedulePerEpoch = true;
        return this;
    }

    /**
     * Clip the global gradient L2 norm to {@code maxNorm}; 0 turns clipping off.
     *
     * @param maxNorm the largest L2 norm, {@code >= 0}
     * @return this trainer
     */
    public Trainer clipGradNorm(double maxNorm) {
        return clipGradNorm(maxNorm, 2);
    }

    /**
     * Clip the global gradient norm of type {@code normType} (2, p, or infinity) to {@code maxNorm}.
     *
     * @param maxNorm the largest norm, {@code >= 0}
     * @param normType p, {@code > 0}, or infinity
     * @return this trainer
     */
    public Trainer clipGradNorm(double maxNorm, double normType) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clip norm must be >= 0, got " + maxNorm);
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("norm type must be positive or infinity, got " + normType);
        }
        this.clipNorm = maxNorm;
        this.clipNormType = normType;
        return this;
    }

    /**
     * Seed of the batch order and of the dropout masks.
     *
     * @param s the seed
     * @return this trainer
     */
    public Trainer seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * How training windows are drawn (default random, as nanoGPT).
     *
     * @param s random, sequential or shuffled
     * @return this trainer
     */
    public Trainer sampling(WindowSampling s) {
        this.sampling = Objects.requireNonNull(s, "sampling");
        return this;
    }

    /**
     * Evaluate every {@code n} steps and at the end; 0 = only at the end. Each evaluation scans the
     * whole validation set, unless {@link #evalIters(int)} makes the periodic ones sampled.
     *
     * @param n the interval in steps, {@code >= 0}
     * @return this trainer
     */
    public Trainer evalEvery(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("eval interval must be >= 0, got " + n);
        }
        this.evalEvery = n;
        return this;
    }

    /**
     * Periodic evaluations as nanoGPT's {@code estimate_loss}: the mean loss over {@code n}
     * batches of random validation windows (the training batch size and context), instead of the
     * whole validation set. The evaluation at the end of the run stays exact, a full pass, and so
     * do {@link TrainingReport#finalValLoss()} and {@code Evaluator}. The windows are drawn from
     * the run's seed and the step, so a run (and a resumed one) is repeatable. 0, the default,
     * makes every evaluation a full pass.
     *
     * <pre>{@code
     * Trainer.forModel(model).data(train, val).steps(2000).evalEvery(250).evalIters(20).fit();
     * }</pre>
     *
     * @param n batches per periodic evaluation, {@code >= 0}
     * @return this trainer
     */
    public Trainer evalIters(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("eval iterations must be >= 0, got " + n);
        }
        this.evalIters = n;
        return this;
    }

    /**
     * Windows per forward pass during a full evaluation.
     *
     * @param b windows per batch
     * @return this trainer
     */
    public Trainer evalBatchSize(int b) {
        this.evalBatchSize = b;
        return this;
    }

    /**
     * Where the final model ({@code DIR}), the best one by validation loss ({@code DIR/best}) and
     * the periodic checkpoints ({@code DIR/checkpoints/step-N}) are written.
     *
     * @param dir the output directory
     * @return this trainer
     */
    public Trainer checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
    }

    /**
     * Write a resumable checkpoint every {@code n} steps (needs {@link #checkpointDir}); 0 = never.
     *
     * @param n the interval in steps, {@code >= 0}
     * @return this trainer
     */
    public Trainer checkpointEvery(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + n);
        }
        this.checkpointEvery = n;
        return this;
    }

    /**
     * How many of the latest periodic checkpoints to keep (default 3).
     *
     * @param n the number kept, {@code >= 1}
     * @return this trainer
     */
    public Trainer keepCheckpoints(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("must keep at least one checkpoint, got " + n);
        }
        this.keepCheckpoints = n;
        return this;
    }

    /**
     * Continue the run saved in this checkpoint directory (see {@link TrainingCheckpoint}).
     *
     * @param checkpoint a checkpoint directory
     * @return this trainer
     */
    public Trainer resumeFrom(Path checkpoint) {
        this.resumeFrom = checkpoint;
        return this;
    }

    /**
     * The tokenizer to write beside the model in checkpoints and the final directory.
     *
     * @param t the tokenizer
     * @return this trainer
     */
    public Trainer tokenizer(Tokenizer t) {
        this.tokenizer = t;
        return this;
    }

    /**
     * Computes each step's gradients with {@code workers} instead of in this process, for example
     * on Spark executors ({@code org.decoder4j.distributed.SparkDataParallel}). The optimizer step,
     * schedule, clipping, loss scaling, evaluation and checkpoints stay here, so the trajectory is
     * that of one process with the same batch size; the caller keeps ownership of {@code workers}.
     *
     * @param workers the gradient computation
     * @return this trainer
     */
    public Trainer distributed(GradientComputation workers) {
        this.distributed = Objects.requireNonNull(workers, "workers");
        return this;
    }

    /**
     * How many steps in a row may have a non-finite loss or gradient norm (or a loss of at least
     * {@value #DIVERGED_LOSS_FACTOR}·ln V) before the run stops
     * with a {@link TrainingDivergedException}; default 0, the first such step stops it. A bad step
     * is not applied (the optimizer does not step), so the weights stay those of the last good
     * step while the run waits for a finite one. Steps the fp16 loss scaler skips are counted by
     * {@link #maxSkippedSteps} instead.
     *
     * @param n the bad steps allowed in a row, {@code >= 0}
     * @return this trainer
     */
    public Trainer maxBadSteps(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("max bad steps must be >= 0, got " + n);
        }
        this.maxBadSteps = n;
        return this;
    }

    /**
     * How many optimizer steps in a row the loss scaler may skip (non-finite scaled gradients)
     * before the run stops with a {@link TrainingDivergedException}; default
     * {@value #DEFAULT_MAX_SKIPPED_STEPS}. A few skips while the scale settles are normal.
     *
     * @param n the skipped steps allowed in a row, {@code >= 0}
     * @return this trainer
     */
    public Trainer maxSkippedSteps(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("max skipped steps must be >= 0, got " + n);
        }
        this.maxSkippedSteps = n;
        return this;
    }

    /**
     * Adds a listener; listeners are called in the order they were added.
     *
     * @param l the listener
     * @return this trainer
     */
    public Trainer listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /**
     * The settings collected so far, as one immutable value, checked for consistency: data to
     * train on, a batch source that agrees with the sampling, a directory for checkpoints.
     *
     * @return the settings
     * @throws IllegalStateException when they do not describe a run
     */
    public TrainingSettings settings() {
        return new TrainingSettings(train, val, customBatches, sampling, batchSize, accumulation, contextLength,
                steps, epochs, optimizerSettings, decayEmbeddings, schedule, schedulePerEpoch, precision, clipNorm,
                clipNormType, seed, evalEvery, evalIters, evalBatchSize, checkpointDir, checkpointEvery,
                keepCheckpoints, resumeFrom, tokenizer, listeners, distributed, maxBadSteps, maxSkippedSteps);
    }

    /**
     * Runs the training and returns its summary.
     *
     * @return the steps done, losses, timing and history
     */
    public TrainingReport fit() {
        return new TrainingRun(model, settings()).run();
    }
}
