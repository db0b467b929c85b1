package org.decoder4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.Batch;
import org.decoder4j.data.BatchSampler;
import org.decoder4j.data.RandomWindows;
import org.decoder4j.data.SequentialWindows;
import org.decoder4j.data.ShuffledWindows;
import org.decoder4j.data.Tokenizer;
import org.decoder4j.data.TokenDataset;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.GradClip;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.OptimizerSettings;
import org.decoder4j.optim.ParameterGrouping;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Each step: reseed the dropout masks from the step number, set the learning rate from the
 * schedule, draw {@code k} micro-batches, forward, cross-entropy, backward, clip (the norm
 * before clipping is reported), optimizer step. Intermediate arrays of a step are released when
 * it ends, so memory stays flat over a long run. Forward and backward are the step's
 * {@link GradientComputation}: in this process by default, on other machines with
 * {@link #distributed}; the rest of the step is the same either way.
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

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

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
    private Precision precision = Precision.FP32;
    private GradScaler gradScaler;
    private boolean lossScaling = true;
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
    private GradScaler activeScaler;
    private int maxBadSteps = 0;
    private int maxSkippedSteps = DEFAULT_MAX_SKIPPED_STEPS;
    private Path lastCheckpoint;

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
        if (t <= 0 || t > model.config().contextLength()) {
            throw new IllegalArgumentException("context " + t + " must be in [1, " + model.config().contextLength()
                    + "] (the model's n_positions)");
        }
        this.contextLength = t;
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
        this.gradScaler = Objects.requireNonNull(scaler, "scaler");
        this.lossScaling = true;
        return this;
    }

    /**
     * Turns loss scaling off; refused with FP16_MIXED, whose small gradients would flush to zero
     * without it.
     *
     * @return this trainer
     */
    public Trainer noLossScaling() {
        this.lossScaling = false;
        this.gradScaler = null;
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
     * Runs the training and returns its summary.
     *
     * @return the steps done, losses, timing and history
     */
    public TrainingReport fit() {
        if (train == null && customBatches == null) {
            throw new IllegalStateException("no training data: call data(train, val) or batches(sampler, val) first");
        }
        if (customBatches == null && sampling == WindowSampling.CUSTOM) {
            throw new IllegalStateException("custom sampling needs batches(sampler, val)");
        }
        if (customBatches != null && sampling != WindowSampling.CUSTOM) {
            throw new IllegalStateException("batches(sampler) supplies the batches; sampling(" + sampling
                    + ") cannot apply");
        }
        if (checkpointEvery > 0 && checkpointDir == null) {
            throw new IllegalStateException("checkpointEvery needs a checkpointDir to write to");
        }
        int vocab = model.config().vocabSize();
        if (train != null) {
            train.checkVocabulary(vocab);
        }
        if (val != null) {
            val.checkVocabulary(vocab);
        }
        TrainingMemory.check(model.config(), batchSize, contextLength, "Trainer");
        if (checkpointDir != null) {
            prepareCheckpointDir();
        }
        BatchSampler sampler = sampler();
        long batchesPerEpoch = sampler instanceof ShuffledWindows shuffled ? shuffled.batchesPerEpoch() : 0;
        long totalSteps = epochs > 0 ? (epochs * batchesPerEpoch + accumulation - 1) / accumulation : steps;
        if (schedulePerEpoch && batchesPerEpoch == 0) {
            throw new IllegalStateException("a per-epoch schedule needs epochs(n) or shuffled sampling");
        }
        List<Tensor> parameters = model.parameters();
        Optimizer optimizer = optimizerSettings.create(ParameterGrouping.decayMatricesOnly(parameters,
                optimizerSettings.lr(), optimizerSettings.weightDecay(), decayEmbeddings ? List.of()
                        : List.of(model.tokenEmbedding().weight(), model.positionEmbedding().weight())));

        GradScaler scaler = lossScaler();
        activeScaler = scaler;
        if (precision != Precision.FP32 && !precision.hasNativeKernels()) {
            LOG.warn("{} products have no native kernel on this processor: they are emulated in float32 with {} "
                    + "rounding (the same numbers, somewhat slower than fp32; see docs/mixed-precision.md for where "
                    + "bf16 runs natively)", precision.lowType(), precision.lowType());
        }

        long startStep = 0;
        double lastVal = Double.NaN;
        double bestVal = Double.POSITIVE_INFINITY;                           // no validation yet
        if (resumeFrom != null) {
            TrainerState saved = resume(optimizer, sampler, scaler);
            startStep = saved.step();
            if (startStep >= totalSteps) {
                throw new IllegalArgumentException("the checkpoint " + resumeFrom + " is at step " + startStep
                        + " and this run asks for " + totalSteps + " steps in total, so there is nothing to train; "
                        + "give more than " + startStep + " steps (the count includes the steps already done)");
            }
            lastVal = saved.lastValLoss();
            bestVal = Double.isNaN(saved.bestValLoss()) ? Double.POSITIVE_INFINITY : saved.bestValLoss();
        }
        GradientComputation computation = distributed != null ? distributed : new LocalGradients();
        computation.start(model, sampler, precision);
        LOG.info("training {} parameters for steps {} to {}, batch {} x {} tokens{}, {}", model.parameterCount(),
                startStep, totalSteps, batchSize, contextLength,
                accumulation > 1 ? " x " + accumulation + " micro-batches" : "", optimizerSettings);
        final long first = startStep;
        listeners.forEach(l -> l.onStart(first, totalSteps));
        model.train(true);

        long started = System.nanoTime();
        List<Double> stepMillis = new ArrayList<>();
        List<TrainingHistory.Point> stepLosses = new ArrayList<>();
        List<TrainingHistory.Point> evalLosses = new ArrayList<>();
        double lastLoss = Double.NaN;
        long completed = startStep;
        int badInARow = 0;
        int skippedInARow = 0;
        double lossLimit = DIVERGED_LOSS_FACTOR * Math.log(Math.max(2, vocab));
        for (long step = startStep; step < totalSteps; step++) {
            long t0 = System.nanoTime();
            model.reseedDropout(dropoutSeed(step));
            schedule.apply(optimizer, schedulePerEpoch ? sampler.position() / batchesPerEpoch : step);
            double loss;
            double norm;
            long tokens;
            boolean skipped = false;
            double lossScale = scaler == null ? Double.NaN : scaler.getScale();
            try (MemoryScope scope = MemoryScope.open()) {
                optimizer.zeroGrad();
                StepLoss computed = computation.accumulate(new GradientStep(step, sampler, accumulation,
                        dropoutSeed(step), scaler == null ? 1 : scaler.getScale()));
                loss = computed.loss();
                tokens = computed.tokens();
                if (scaler != null) {
                    scaler.unscale(optimizer);                               // true gradients before clipping
                }
                boolean overflow = scaler != null && scaler.foundInf();
                norm = clipNorm > 0 && !overflow ? GradClip.clipGradNorm(parameters, clipNorm, clipNormType, false)
                        : GradClip.totalNorm(parameters, clipNormType);
                boolean good = loss < lossLimit && Double.isFinite(norm);         // false for NaN too
                if (scaler != null) {
                    if (overflow || good) {
                        skipped = !scaler.step(optimizer);                   // the scaler's own skip on overflow
                    }
                    scaler.update();
                } else if (good) {
                    optimizer.step();
                }
            }
            double millis = (System.nanoTime() - t0) / 1e6;
            stepMillis.add(millis);
            stepLosses.add(new TrainingHistory.Point(step, loss));
            lastLoss = loss;
            boolean bad = !skipped && (!(loss < lossLimit) || !Double.isFinite(norm));   // NaN fails "<" too
            badInARow = bad ? badInARow + 1 : 0;
            skippedInARow = skipped ? skippedInARow + 1 : 0;
            if (bad) {
                LOG.warn("step {}: training loss {}, gradient norm {}: not applied ({} such step(s) in a row, "
                        + "{} allowed)", step, loss, norm, badInARow, maxBadSteps);
            }
            if (skipped) {
                LOG.info("step {}: optimizer step skipped, non-finite gradients at loss scale {}; scale now {}", step,
                        lossScale, scaler.getScale());
            }
            StepResult result = new StepResult(step, loss, optimizer.groups().get(0).lr(), norm, millis, tokens,
                    skipped || bad, lossScale);
            listeners.forEach(l -> l.onStep(result));
            if (badInARow > maxBadSteps) {
                throw diverged(step, "step " + step + ": training loss " + loss + ", gradient norm " + norm + "; "
                        + badInARow + " step(s) in a row with a non-finite loss or gradient norm (or a loss over "
                        + String.format(java.util.Locale.ROOT, "%.0f", lossLimit) + " = " + DIVERGED_LOSS_FACTOR
                        + " ln V), " + maxBadSteps + " allowed");
            }
            if (skippedInARow > maxSkippedSteps) {
                throw diverged(step, "step " + step + ": the fp16 loss scaler skipped " + skippedInARow
                        + " optimizer steps in a row (non-finite gradients down to loss scale " + lossScale
                        + ", training loss " + loss + "), " + maxSkippedSteps + " allowed");
            }

            long done = step + 1;
            completed = done;
            boolean evalNow = val != null && ((evalEvery > 0 && done % evalEvery == 0) || done == totalSteps);
            if (evalNow) {
                EvalResult r = validate(done, done == totalSteps);
                lastVal = r.loss();
                evalLosses.add(new TrainingHistory.Point(done, r.loss()));
                if (!Double.isFinite(r.loss())) {
                    LOG.warn("step {}: validation loss is {}; not an improvement", done, r.loss());
                } else if (r.loss() < bestVal) {                         // NaN and infinity never improve
                    bestVal = r.loss();
                    if (checkpointDir != null) {
                        requireFiniteWeights(step, "the best model");
                        writeCheckpoint(checkpointDir.resolve("best"), optimizer, sampler, done, bestVal, lastVal);
                    }
                }
                listeners.forEach(l -> l.onEvaluation(done, r));
            }
            if (checkpointEvery > 0 && done % checkpointEvery == 0 && badInARow == 0) {
                Path checkpoints = checkpointDir.resolve("checkpoints");
                requireFiniteWeights(step, "a checkpoint");
                Path written = checkpoints.resolve(TrainingCheckpoint.directoryName(done));
                writeCheckpoint(written, optimizer, sampler, done, bestVal, lastVal);
                lastCheckpoint = written;
                prune(checkpoints, done);
            }
            if (listeners.stream().anyMatch(TrainingListener::stopRequested)) {
                LOG.info("stopping after step {}: a listener asked to stop", done);
                break;
            }
        }
        if (badInARow > 0) {
            LOG.warn("the run ended on {} step(s) with a non-finite loss or gradient norm, not applied: the model "
                    + "saved is that of step {}", badInARow, completed - 1 - badInARow);
        }
        if (checkpointDir != null) {
            requireFiniteWeights(completed - 1, "the final model");
        }
        saveModel(checkpointDir);
        double[] sorted = stepMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        double tokensPerSecond = median > 0 ? (double) batchSize * accumulation * contextLength * 1000.0 / median : 0;
        TrainingReport report = new TrainingReport(completed, lastLoss, lastVal, noneIfInfinite(bestVal), median,
                tokensPerSecond,
                (System.nanoTime() - started) / 1e9, scaler == null ? 0 : scaler.skippedSteps(),
                new TrainingHistory(stepLosses, evalLosses));
        listeners.forEach(l -> l.onFinish(report));
        return report;
    }

    /** NaN for "no validation loss yet", as reports and checkpoints record it. */
    private static double noneIfInfinite(double best) {
        return best == Double.POSITIVE_INFINITY ? Double.NaN : best;
    }

    private TrainingDivergedException diverged(long step, String what) {
        String kept = lastCheckpoint == null ? "this run wrote no checkpoint"
                : "its last checkpoint is " + lastCheckpoint;
        return new TrainingDivergedException(step, "training diverged at " + what + "; stopped without saving "
                + "the model (" + kept + ")", lastCheckpoint);
    }

    /** Refuses to save weights that hold a NaN or an infinity. */
    private void requireFiniteWeights(long step, String what) {
        FiniteWeights.firstNonFinite(model).ifPresent(name -> {
            throw diverged(step, "step " + step + ": parameter " + name + " holds a non-finite value, so "
                    + what + " was not written");
        });
    }

    private BatchSampler sampler() {
        return switch (sampling) {
            case RANDOM -> new RandomWindows(train, batchSize, contextLength, seed);
            case SEQUENTIAL -> new SequentialWindows(train, batchSize, contextLength);
            case SHUFFLED -> new ShuffledWindows(train, batchSize, contextLength, seed, false);
            case CUSTOM -> customBatches;
        };
    }

    /** Step k's dropout seed: a function of the run's seed and k only, so resuming redraws the same masks. */
    private long dropoutSeed(long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Loads the checkpoint to resume from, after checking that it belongs to a run like this one. */
    /** The scaler of this run: the given one, a default one for FP16_MIXED, else none. */
    private GradScaler lossScaler() {
        if (precision == Precision.FP16_MIXED && !lossScaling) {
            throw new IllegalStateException("fp16 mixed precision needs loss scaling: without it small float16 "
                    + "gradients flush to zero; use bf16, or keep the GradScaler");
        }
        if (gradScaler != null) {
            return gradScaler;
        }
        return precision.needsLossScaling() ? new GradScaler() : null;
    }

    private TrainerState resume(Optimizer optimizer, BatchSampler sampler, GradScaler scaler) {
        try {
            TrainingCheckpoint checkpoint = TrainingCheckpoint.read(resumeFrom);
            TrainerState s = checkpoint.state();
            mustMatch("batch size", s.batchSize(), batchSize);
            mustMatch("context length", s.contextLength(), contextLength);
            mustMatch("gradient accumulation", s.accumulation(), accumulation);
            mustMatch("seed", s.seed(), seed);
            mustMatch("sampling", s.sampling(), sampling);
            mustMatch("precision", s.precision(), precision);
            if (scaler != null && s.scaler() != null) {
                scaler.loadState(s.scaler());
            }
            checkpoint.restoreInto(model, optimizer);
            sampler.seek(s.samplerPosition());
            LOG.info("resuming from {} at step {}", resumeFrom, s.step());
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + resumeFrom + ": " + e.getMessage(), e);
        }
    }

    private void mustMatch(String what, Object saved, Object now) {
        if (!saved.equals(now)) {
            throw new IllegalArgumentException("the checkpoint " + resumeFrom + " was trained with " + what + " "
                    + saved + ", this run asks for " + now + "; resume with the same " + what);
        }
    }

    private void writeCheckpoint(Path dir, Optimizer optimizer, BatchSampler sampler, long done, double bestVal,
                                 double lastVal) {
        List<Double> lrs = new ArrayList<>();
        optimizer.groups().forEach(g -> lrs.add(g.lr()));
        TrainerState state = new TrainerState(done, sampler.position(), seed, batchSize, contextLength, accumulation,
                sampling, optimizer.stepCount(), lrs, noneIfInfinite(bestVal), lastVal, precision,
                activeScaler == null ? null : activeScaler.state());
        try {
            TrainingCheckpoint.write(dir, model, optimizer, state, tokenizer);
            LOG.info("step {}: checkpoint written to {}", done, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + dir, e);
        }
    }

    /**
     * Before the first step: makes sure the directory can be written (rather than finding out at
     * the first checkpoint or at the end), deletes the staging directories of a killed checkpoint
     * write, and refuses a fresh run in a directory that holds another run's checkpoints, whose
     * higher step numbers would have pruning delete this run's and {@code resume} continue the
     * other run.
     */
    private void prepareCheckpointDir() {
        try {
            Files.createDirectories(checkpointDir);
            Files.delete(Files.createTempFile(checkpointDir, ".write-test.", ".tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the output directory " + checkpointDir + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing was trained", e);
        }
        try {
            for (Path staging : TrainingCheckpoint.removeStaging(checkpointDir)) {
                LOG.info("removed {}, left by a checkpoint write that did not finish", staging);
            }
            boolean writes = checkpointEvery > 0 || val != null;
            List<Path> others = TrainingCheckpoint.runCheckpoints(checkpointDir);
            if (resumeFrom == null && writes && !others.isEmpty()) {
                throw new IllegalStateException(checkpointDir + " holds the checkpoints of another run ("
                        + others.stream().map(p -> checkpointDir.relativize(p).toString()).toList()
                        + "): continue that run with resumeFrom, or delete them "
                        + "(TrainingCheckpoint.removeRunCheckpoints) to start a fresh one there");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the checkpoint directory " + checkpointDir + ": "
                    + e.getMessage(), e);
        }
    }

    private void prune(Path checkpoints, long upToStep) {
        try {
            TrainingCheckpoint.prune(checkpoints, keepCheckpoints, upToStep);
        } catch (IOException e) {
            LOG.warn("cannot remove old checkpoints in {}: {}", checkpoints, e.getMessage());
        }
    }

    /**
     * The validation loss after {@code done} steps: a full pass when {@code exact} or without
     * {@link #evalIters(int)}, else the mean over {@code evalIters} batches of random windows.
     */
    private EvalResult validate(long done, boolean exact) {
        Evaluator evaluator = Evaluator.of(model).contextLength(contextLength);
        if (exact || evalIters == 0) {
            return evaluator.batchSize(evalBatchSize).evaluate(val);
        }
        RandomWindows windows = new RandomWindows(val, batchSize, contextLength,
                seed * 0x2545F4914F6CDD1DL + done);
        List<Batch> batches = new ArrayList<>(evalIters);
        try {
            for (int i = 0; i < evalIters; i++) {
                batches.add(windows.next());
            }
            return evaluator.evaluate(batches);
        } finally {
            batches.forEach(Batch::close);
        }
    }

    private void saveModel(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            model.save(dir);
            if (tokenizer != null) {
                tokenizer.save(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + dir, e);
        }
    }
}
