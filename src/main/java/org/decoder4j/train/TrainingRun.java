package org.decoder4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.data.batch.ShuffledWindows;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.GradClip;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.OptimizerSettings;
import org.decoder4j.optim.ParameterGrouping;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run of a model with {@link TrainingSettings}: made by {@link Trainer#fit()}, it
 * sets the run up (sampler, optimizer, loss scaler, resumed state) and owns the loop, which
 * {@link #run()} reads top to bottom: step, evaluate, checkpoint. See {@link Trainer} for what
 * each part does and what stops a run.
 */
final class TrainingRun {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final GPT model;
    private final TrainingSettings s;
    private final List<Tensor> parameters;
    private final BatchSampler sampler;
    private final long batchesPerEpoch;
    private final long totalSteps;
    private final Optimizer optimizer;
    private final GradScaler scaler;                 // null without loss scaling
    private final GradientComputation computation;
    private final double lossLimit;                  // a loss this high counts as diverged
    private final long startStep;

    private final long started = System.nanoTime();
    private final List<Double> stepMillis = new ArrayList<>();
    private final List<TrainingHistory.Point> stepLosses = new ArrayList<>();
    private final List<TrainingHistory.Point> evalLosses = new ArrayList<>();
    private double lastLoss = Double.NaN;
    private double lastVal = Double.NaN;
    private double bestVal = Double.POSITIVE_INFINITY;                       // no validation yet
    private long completed;
    private int badInARow;
    private int skippedInARow;
    private Path lastCheckpoint;

    /** Sets the run up: checks the data and memory, prepares the output, resumes when asked. */
    TrainingRun(GPT model, TrainingSettings settings) {
        this.model = model;
        this.s = settings;
        int vocab = model.config().vocabSize();
        if (s.train() != null) {
            s.train().checkVocabulary(vocab);
        }
        if (s.val() != null) {
            s.val().checkVocabulary(vocab);
        }
        TrainingMemory.check(model.config(), s.batchSize(), s.contextLength(), "Trainer");
        if (s.checkpointDir() != null) {
            new OutputDirectory(s).prepare();
        }
        this.sampler = sampler(s);
        this.batchesPerEpoch = sampler instanceof ShuffledWindows shuffled ? shuffled.batchesPerEpoch() : 0;
        this.totalSteps = s.epochs() > 0 ? (s.epochs() * batchesPerEpoch + s.accumulation() - 1) / s.accumulation()
                : s.steps();
        if (s.schedulePerEpoch() && batchesPerEpoch == 0) {
            throw new IllegalStateException("a per-epoch schedule needs epochs(n) or shuffled sampling");
        }
        this.parameters = model.parameters();
        OptimizerSettings o = s.optimizer();
        this.optimizer = o.create(ParameterGrouping.decayMatricesOnly(parameters, o.lr(), o.weightDecay(),
                s.decayEmbeddings() ? List.of()
                        : List.of(model.tokenEmbedding().weight(), model.positionEmbedding().weight())));
        this.scaler = s.precision().newScaler();
        Precision precision = s.precision().precision();
        if (precision != Precision.FP32 && !precision.hasNativeKernels()) {
            LOG.warn("{} products have no native kernel on this processor: they are emulated in float32 with {} "
                    + "rounding (the same numbers, somewhat slower than fp32; see docs/mixed-precision.md for where "
                    + "bf16 runs natively)", precision.lowType(), precision.lowType());
        }
        this.lossLimit = Trainer.DIVERGED_LOSS_FACTOR * Math.log(Math.max(2, vocab));
        this.startStep = s.resumeFrom() == null ? 0 : resume();
        this.completed = startStep;
        this.computation = s.distributed() != null ? s.distributed() : new LocalGradients();
        computation.start(model, sampler, precision);
    }

    /**
     * The loop: one optimizer step after another, an evaluation and a checkpoint when due, until
     * the last step, a listener's stop, or a divergence.
     *
     * @return the run's summary
     */
    TrainingReport run() {
        LOG.info("training {} parameters for steps {} to {}, batch {} x {} tokens{}, {}", model.parameterCount(),
                startStep, totalSteps, s.batchSize(), s.contextLength(),
                s.accumulation() > 1 ? " x " + s.accumulation() + " micro-batches" : "", s.optimizer());
        s.listeners().forEach(l -> l.onStart(startStep, totalSteps));
        model.train(true);
        for (long step = startStep; step < totalSteps; step++) {
            StepResult result = step(step);
            s.listeners().forEach(l -> l.onStep(result));
            stopIfDiverged(result);
            long done = step + 1;
            completed = done;
            if (s.val() != null && ((s.evalEvery() > 0 && done % s.evalEvery() == 0) || done == totalSteps)) {
                evaluate(done);
            }
            if (s.checkpointEvery() > 0 && done % s.checkpointEvery() == 0 && badInARow == 0) {
                checkpoint(done);
            }
            if (s.listeners().stream().anyMatch(TrainingListener::stopRequested)) {
                LOG.info("stopping after step {}: a listener asked to stop", done);
                break;
            }
        }
        return finish();
    }

    /**
     * One optimizer step: learning rate, gradients of {@code k} micro-batches, unscale, clip, and
     * the update unless the loss or the norm is not finite (or the scaler skips it).
     */
    private StepResult step(long step) {
        long t0 = System.nanoTime();
        s.schedule().apply(optimizer, s.schedulePerEpoch() ? sampler.position() / batchesPerEpoch : step);
        double lossScale = scaler == null ? Double.NaN : scaler.getScale();
        double loss;
        double norm;
        long tokens;
        boolean skipped = false;
        boolean good;
        try (MemoryScope scope = MemoryScope.open()) {
            optimizer.zeroGrad();
            StepLoss computed = computation.accumulate(new GradientStep(step, sampler, s.accumulation(),
                    dropoutSeed(s.seed(), step), scaler == null ? 1 : scaler.getScale()));
            loss = computed.loss();
            tokens = computed.tokens();
            if (scaler != null) {
                scaler.unscale(optimizer);                                   // true gradients before clipping
            }
            boolean overflow = scaler != null && scaler.foundInf();
            norm = s.clipNorm() > 0 && !overflow
                    ? GradClip.clipGradNorm(parameters, s.clipNorm(), s.clipNormType(), false)
                    : GradClip.totalNorm(parameters, s.clipNormType());
            good = loss < lossLimit && Double.isFinite(norm);                   // false for NaN too
            if (scaler != null) {
                if (overflow || good) {
                    skipped = !scaler.step(optimizer);                       // the scaler's own skip on overflow
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
        boolean bad = !skipped && !good;
        badInARow = bad ? badInARow + 1 : 0;
        skippedInARow = skipped ? skippedInARow + 1 : 0;
        if (bad) {
            LOG.warn("step {}: training loss {}, gradient norm {}: not applied ({} such step(s) in a row, "
                    + "{} allowed)", step, loss, norm, badInARow, s.maxBadSteps());
        }
        if (skipped) {
            LOG.info("step {}: optimizer step skipped, non-finite gradients at loss scale {}; scale now {}", step,
                    lossScale, scaler.getScale());
        }
        return new StepResult(step, loss, optimizer.groups().get(0).lr(), norm, millis, tokens, skipped || bad,
                lossScale);
    }

    /** Stops the run once too many steps in a row were bad, or skipped by the loss scaler. */
    private void stopIfDiverged(StepResult r) {
        long step = r.step();
        if (badInARow > s.maxBadSteps()) {
            throw diverged(step, "step " + step + ": training loss " + r.loss() + ", gradient norm " + r.gradNorm()
                    + "; " + badInARow + " step(s) in a row with a non-finite loss or gradient norm (or a loss over "
                    + String.format(Locale.ROOT, "%.0f", lossLimit) + " = " + Trainer.DIVERGED_LOSS_FACTOR
                    + " ln V), " + s.maxBadSteps() + " allowed");
        }
        if (skippedInARow > s.maxSkippedSteps()) {
            throw diverged(step, "step " + step + ": the fp16 loss scaler skipped " + skippedInARow
                    + " optimizer steps in a row (non-finite gradients down to loss scale " + r.lossScale()
                    + ", training loss " + r.loss() + "), " + s.maxSkippedSteps() + " allowed");
        }
    }

    /** The validation loss after {@code done} steps; a new best is written to {@code DIR/best}. */
    private void evaluate(long done) {
        EvalResult r = validate(done, done == totalSteps);
        lastVal = r.loss();
        evalLosses.add(new TrainingHistory.Point(done, r.loss()));
        if (!Double.isFinite(r.loss())) {
            LOG.warn("step {}: validation loss is {}; not an improvement", done, r.loss());
        } else if (r.loss() < bestVal) {                                     // NaN and infinity never improve
            bestVal = r.loss();
            if (s.checkpointDir() != null) {
                requireFiniteWeights(done - 1, "the best model");
                writeCheckpoint(s.checkpointDir().resolve("best"), done);
            }
        }
        s.listeners().forEach(l -> l.onEvaluation(done, r));
    }

    /** A resumable checkpoint {@code DIR/checkpoints/step-N}, keeping the latest few. */
    private void checkpoint(long done) {
        Path checkpoints = s.checkpointDir().resolve("checkpoints");
        requireFiniteWeights(done - 1, "a checkpoint");
        Path written = checkpoints.resolve(TrainingCheckpoint.directoryName(done));
        writeCheckpoint(written, done);
        lastCheckpoint = written;
        try {
            TrainingCheckpoint.prune(checkpoints, s.keepCheckpoints(), done);
        } catch (IOException e) {
            LOG.warn("cannot remove old checkpoints in {}: {}", checkpoints, e.getMessage());
        }
    }

    /** Saves the final model and reports the run. */
    private TrainingReport finish() {
        if (badInARow > 0) {
            LOG.warn("the run ended on {} step(s) with a non-finite loss or gradient norm, not applied: the model "
                    + "saved is that of step {}", badInARow, completed - 1 - badInARow);
        }
        if (s.checkpointDir() != null) {
            requireFiniteWeights(completed - 1, "the final model");
            saveModel(s.checkpointDir());
        }
        double[] sorted = stepMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        double tokensPerSecond = median > 0
                ? (double) s.batchSize() * s.accumulation() * s.contextLength() * 1000.0 / median : 0;
        TrainingReport report = new TrainingReport(completed, lastLoss, lastVal, noneIfInfinite(bestVal), median,
                tokensPerSecond, (System.nanoTime() - started) / 1e9, scaler == null ? 0 : scaler.skippedSteps(),
                new TrainingHistory(stepLosses, evalLosses));
        s.listeners().forEach(l -> l.onFinish(report));
        return report;
    }

    /** NaN for "no validation loss yet", as reports and checkpoints record it. */
    private static double noneIfInfinite(double best) {
        return best == Double.POSITIVE_INFINITY ? Double.NaN : best;
    }

    /** Step k's dropout seed: a function of the run's seed and k only, so resuming redraws the same masks. */
    static long dropoutSeed(long seed, long step) {
        long z = seed * 0x9E3779B97F4A7C15L + step + 1;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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

    private static BatchSampler sampler(TrainingSettings s) {
        return switch (s.sampling()) {
            case RANDOM -> BatchSampler.random(s.train(), s.batchSize(), s.contextLength(), s.seed());
            case SEQUENTIAL -> BatchSampler.sequential(s.train(), s.batchSize(), s.contextLength());
            case SHUFFLED -> BatchSampler.shuffled(s.train(), s.batchSize(), s.contextLength(), s.seed());
            case CUSTOM -> s.batches();
        };
    }

    /**
     * Loads the checkpoint to resume from, after checking that it belongs to a run like this one,
     * and returns its step.
     */
    private long resume() {
        Path from = s.resumeFrom();
        try {
            TrainingCheckpoint checkpoint = TrainingCheckpoint.read(from);
            TrainerState saved = checkpoint.state();
            mustMatch("batch size", saved.batchSize(), s.batchSize());
            mustMatch("context length", saved.contextLength(), s.contextLength());
            mustMatch("gradient accumulation", saved.accumulation(), s.accumulation());
            mustMatch("seed", saved.seed(), s.seed());
            mustMatch("sampling", saved.sampling(), s.sampling());
            mustMatch("precision", saved.precision(), s.precision().precision());
            if (scaler != null && saved.scaler() != null) {
                scaler.loadState(saved.scaler());
            }
            checkpoint.restoreInto(model, optimizer);
            sampler.seek(saved.samplerPosition());
            LOG.info("resuming from {} at step {}", from, saved.step());
            if (saved.step() >= totalSteps) {
                throw new IllegalArgumentException("the checkpoint " + from + " is at step " + saved.step()
                        + " and this run asks for " + totalSteps + " steps in total, so there is nothing to train; "
                        + "give more than " + saved.step() + " steps (the count includes the steps already done)");
            }
            lastVal = saved.lastValLoss();
            bestVal = Double.isNaN(saved.bestValLoss()) ? Double.POSITIVE_INFINITY : saved.bestValLoss();
            return saved.step();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resume from " + from + ": " + e.getMessage(), e);
        }
    }

    private void mustMatch(String what, Object saved, Object now) {
        if (!saved.equals(now)) {
            throw new IllegalArgumentException("the checkpoint " + s.resumeFrom() + " was trained with " + what + " "
                    + saved + ", this run asks for " + now + "; resume with the same " + what);
        }
    }

    private void writeCheckpoint(Path dir, long done) {
        List<Double> lrs = new ArrayList<>();
        optimizer.groups().forEach(g -> lrs.add(g.lr()));
        TrainerState state = new TrainerState(done, sampler.position(), s.seed(), s.batchSize(), s.contextLength(),
                s.accumulation(), s.sampling(), optimizer.stepCount(), lrs, noneIfInfinite(bestVal), lastVal,
                s.precision().precision(), scaler == null ? null : scaler.state());
        try {
            TrainingCheckpoint.write(dir, model, optimizer, state, s.tokenizer());
            LOG.info("step {}: checkpoint written to {}", done, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + dir, e);
        }
    }

    /**
     * The validation loss after {@code done} steps: a full pass when {@code exact} or without
     * {@code evalIters}, else the mean over {@code evalIters} batches of random windows.
     */
    private EvalResult validate(long done, boolean exact) {
        Evaluator evaluator = Evaluator.of(model).contextLength(s.contextLength());
        if (exact || s.evalIters() == 0) {
            return evaluator.batchSize(s.evalBatchSize()).evaluate(s.val());
        }
        BatchSampler windows = BatchSampler.random(s.val(), s.batchSize(), s.contextLength(),
                s.seed() * 0x2545F4914F6CDD1DL + done);
        List<Batch> batches = new ArrayList<>(s.evalIters());
        try {
            for (int i = 0; i < s.evalIters(); i++) {
                batches.add(windows.next());
            }
            return evaluator.evaluate(batches);
        } finally {
            batches.forEach(Batch::close);
        }
    }

    private void saveModel(Path dir) {
        try {
            model.save(dir);
            if (s.tokenizer() != null) {
                s.tokenizer().save(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + dir, e);
        }
    }

    /** The output directory's checks before the first step. */
    private record OutputDirectory(TrainingSettings s) {

        /**
         * Makes sure the directory can be written (rather than finding out at the first checkpoint
         * or at the end), deletes the staging directories of a killed checkpoint write, and
         * refuses a fresh run in a directory that holds another run's checkpoints, whose higher
         * step numbers would have pruning delete this run's and {@code resume} continue the other run.
         */
        void prepare() {
            Path dir = s.checkpointDir();
            try {
                Files.createDirectories(dir);
                Files.delete(Files.createTempFile(dir, ".write-test.", ".tmp"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write to the output directory " + dir + " ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage() + "); nothing was trained", e);
            }
            try {
                for (Path staging : TrainingCheckpoint.removeStaging(dir)) {
                    LOG.info("removed {}, left by a checkpoint write that did not finish", staging);
                }
                List<Path> others = TrainingCheckpoint.runCheckpoints(dir);
                if (s.resumeFrom() == null && s.writesCheckpoints() && !others.isEmpty()) {
                    throw new IllegalStateException(dir + " holds the checkpoints of another run ("
                            + others.stream().map(p -> dir.relativize(p).toString()).toList()
                            + "): continue that run with resumeFrom, or delete them "
                            + "(TrainingCheckpoint.removeRunCheckpoints) to start a fresh one there");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the checkpoint directory " + dir + ": "
                        + e.getMessage(), e);
            }
        }
    }
}
