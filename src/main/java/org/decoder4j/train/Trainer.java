package org.decoder4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.decoder4j.data.Batch;
import org.decoder4j.data.BatchSampler;
import org.decoder4j.data.RandomWindows;
import org.decoder4j.data.SequentialWindows;
import org.decoder4j.data.TokenDataset;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.GradClip;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.OptimizerSettings;
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
 *         .checkpointDir(Path.of("out"))
 *         .fit();
 * }</pre>
 *
 * <p>Each step: set the learning rate from the schedule, draw a batch, forward, cross-entropy,
 * backward, clip (the norm before clipping is reported), optimizer step. Intermediate arrays of a
 * step are released when it ends, so memory stays flat over a long run.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final GPT model;
    private TokenDataset train;
    private TokenDataset val;
    private int batchSize = 12;
    private int accumulation = 1;
    private int contextLength;
    private long steps = 1000;
    private OptimizerSettings optimizerSettings = AdamW.lr(1e-3);
    private LrSchedule schedule = LrSchedule.constant();
    private double clipNorm = 0;
    private long seed = 1337;
    private WindowSampling sampling = WindowSampling.RANDOM;
    private long evalEvery = 0;
    private int evalBatchSize = 32;
    private Path checkpointDir;
    private final List<TrainingListener> listeners = new ArrayList<>();

    private Trainer(GPT model) {
        this.model = model;
        this.contextLength = model.config().contextLength();
    }

    /** A trainer for {@code model} with AdamW(1e-3), constant rate, batch 12 and the model's full context. */
    public static Trainer forModel(GPT model) {
        return new Trainer(model);
    }

    /** Training tokens, and validation tokens (null for none). */
    public Trainer data(TokenDataset trainTokens, TokenDataset valTokens) {
        this.train = trainTokens;
        this.val = valTokens;
        return this;
    }

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
     */
    public Trainer gradientAccumulation(int k) {
        if (k <= 0) {
            throw new IllegalArgumentException("gradient accumulation steps must be positive, got " + k);
        }
        this.accumulation = k;
        return this;
    }

    /** Sequence length of the training windows; at most the model's context length. */
    public Trainer contextLength(int t) {
        if (t <= 0 || t > model.config().contextLength()) {
            throw new IllegalArgumentException("context " + t + " must be in [1, " + model.config().contextLength()
                    + "] (the model's n_positions)");
        }
        this.contextLength = t;
        return this;
    }

    /** Total number of optimizer steps. */
    public Trainer steps(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + n);
        }
        this.steps = n;
        return this;
    }

    public Trainer optimizer(OptimizerSettings settings) {
        this.optimizerSettings = settings;
        return this;
    }

    public Trainer schedule(LrSchedule s) {
        this.schedule = s;
        return this;
    }

    /** Clip the global gradient L2 norm to {@code maxNorm}; 0 turns clipping off. */
    public Trainer clipGradNorm(double maxNorm) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clip norm must be >= 0, got " + maxNorm);
        }
        this.clipNorm = maxNorm;
        return this;
    }

    /** Seed of the batch sampler. */
    public Trainer seed(long s) {
        this.seed = s;
        return this;
    }

    public Trainer sampling(WindowSampling s) {
        this.sampling = s;
        return this;
    }

    /** Evaluate on the whole validation set every {@code n} steps and at the end; 0 = only at the end. */
    public Trainer evalEvery(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("eval interval must be >= 0, got " + n);
        }
        this.evalEvery = n;
        return this;
    }

    /** Windows per forward pass during evaluation. */
    public Trainer evalBatchSize(int b) {
        this.evalBatchSize = b;
        return this;
    }

    /** Where the final model ({@code DIR}) and the best one by validation loss ({@code DIR/best}) are written. */
    public Trainer checkpointDir(Path dir) {
        this.checkpointDir = dir;
        return this;
    }

    public Trainer listener(TrainingListener l) {
        listeners.add(l);
        return this;
    }

    /** Runs the training and returns its summary. */
    public TrainingReport fit() {
        if (train == null) {
            throw new IllegalStateException("no training data: call data(train, val) first");
        }
        int vocab = model.config().vocabSize();
        train.checkVocabulary(vocab);
        if (val != null) {
            val.checkVocabulary(vocab);
        }
        BatchSampler sampler = sampling == WindowSampling.RANDOM
                ? new RandomWindows(train, batchSize, contextLength, seed)
                : new SequentialWindows(train, batchSize, contextLength);
        Optimizer optimizer = optimizerSettings.create(model.parameters());
        List<Tensor> parameters = model.parameters();
        LOG.info("training {} parameters for {} steps, batch {} x {} tokens, {}", model.parameterCount(), steps,
                batchSize, contextLength, optimizerSettings);
        listeners.forEach(l -> l.onStart(0, steps));
        model.train(true);

        long started = System.nanoTime();
        double[] stepMillis = new double[(int) steps];
        double lastLoss = Double.NaN;
        double lastVal = Double.NaN;
        double bestVal = Double.NaN;
        long completed = steps;
        for (long step = 0; step < steps; step++) {
            long t0 = System.nanoTime();
            schedule.apply(optimizer, step);
            double loss;
            double norm;
            try (MemoryScope scope = MemoryScope.open()) {
                optimizer.zeroGrad();
                loss = 0;
                for (int micro = 0; micro < accumulation; micro++) {
                    try (Batch batch = sampler.next()) {
                        // each micro-batch's mean loss scaled by 1/k: the gradients add up to those
                        // of the mean over all k·B windows
                        Tensor lossTensor = Loss.crossEntropy(model.forward(batch.inputs()), batch.targets());
                        lossTensor.scale(1.0 / accumulation).backward();
                        loss += lossTensor.item() / accumulation;
                    }
                }
                norm = clipNorm > 0 ? GradClip.byGlobalNorm(parameters, clipNorm) : GradClip.globalNorm(parameters);
                optimizer.step();
            }
            double millis = (System.nanoTime() - t0) / 1e6;
            stepMillis[(int) step] = millis;
            lastLoss = loss;
            if (!Double.isFinite(loss)) {
                LOG.warn("step {}: training loss is {}", step, loss);
            }
            StepResult result = new StepResult(step, loss, optimizer.groups().get(0).lr(), norm, millis,
                    (long) batchSize * accumulation * contextLength);
            listeners.forEach(l -> l.onStep(result));

            long done = step + 1;
            boolean evalNow = val != null && ((evalEvery > 0 && done % evalEvery == 0) || done == steps);
            if (evalNow) {
                EvalResult r = validate();
                lastVal = r.loss();
                if (Double.isNaN(bestVal) || r.loss() < bestVal) {
                    bestVal = r.loss();
                    save(checkpointDir == null ? null : checkpointDir.resolve("best"));
                }
                listeners.forEach(l -> l.onEvaluation(done, r));
            }
            if (listeners.stream().anyMatch(TrainingListener::stopRequested)) {
                LOG.info("stopping after step {}: a listener asked to stop", done);
                completed = done;
                break;
            }
        }
        save(checkpointDir);
        double[] sorted = Arrays.copyOf(stepMillis, (int) completed);
        Arrays.sort(sorted);
        double median = sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        double tokensPerSecond = median > 0 ? (double) batchSize * accumulation * contextLength * 1000.0 / median : 0;
        TrainingReport report = new TrainingReport(completed, lastLoss, lastVal, bestVal, median, tokensPerSecond,
                (System.nanoTime() - started) / 1e9);
        listeners.forEach(l -> l.onFinish(report));
        return report;
    }

    private EvalResult validate() {
        return Evaluator.of(model).contextLength(contextLength).batchSize(evalBatchSize).evaluate(val);
    }

    private void save(Path dir) {
        if (dir == null) {
            return;
        }
        try {
            model.save(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + dir, e);
        }
    }
}
