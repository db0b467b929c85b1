package org.decoder4j.cli;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.distributed.SparkDataParallel;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.train.JsonLinesLog;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingCheckpoint;
import org.decoder4j.train.TrainingMemory;
import org.decoder4j.train.TrainingReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code decoder4j train}: trains a new model, or continues a saved one, and writes it to
 * {@code --out}. Every flag, file and shape is checked before anything is written.
 */
@Command(name = "train",
        header = "Train a GPT (new, or from a saved model) and print a sample.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains a GPT on next-token prediction and writes it to --out as a Hugging Face GPT-2 directory "
                    + "(config.json, model.safetensors) with its tokenizer.json, then prints a sample.",
            "Without --data it prepares Tiny Shakespeare (or the --input text) into OUT/data and trains on it. "
                    + "The defaults are nanoGPT's CPU recipe for Shakespeare characters.",
            "With --spark-master or --spark-workers the gradients of each batch are computed data-parallel on "
                    + "Apache Spark and the losses are those of one process with the same --batch-size "
                    + "(docs/distributed-training.md)."
        })
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    @Spec
    CommandSpec spec;

    /** --data, --val, --input. */
    @Mixin
    TrainingDataFlags dataFlags;

    @Option(names = "--init", paramLabel = "MODEL_DIR|hf:ORG/NAME[@REV]",
            description = "Continue from a saved model or a Hugging Face Hub repository; its config.json decides "
                    + "the architecture.")
    Path init;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where the model, its tokenizer and (without --data) the prepared data are written.")
    Path out;

    /** --context, --layers, --heads, --embd, --vocab-size, --dropout. */
    @Mixin
    ModelShapeFlags shape;

    /** --steps, --epochs, --batch-size, --grad-accum, --sampling, --seed, --max-bad-steps, --max-skipped-steps. */
    @Mixin
    RunFlags run;

    /** --optimizer, --lr, --momentum, --dampening, --nesterov, --weight-decay, --beta1/2, --eps, --grad-clip. */
    @Mixin
    OptimizerFlags optimizer;

    /** --schedule, --schedule-per, --warmup-steps, --decay-steps, --min-lr, --step-size, --gamma, --milestones. */
    @Mixin
    ScheduleFlags schedule;

    /** --precision, --loss-scale. */
    @Mixin
    PrecisionFlags precision;

    /** --checkpoint-every, --keep-checkpoints, --overwrite, --resume. */
    @Mixin
    CheckpointFlags checkpoints;

    /** --eval-every, --eval-iters, --eval-batch-size, --log, --log-every, --sample-tokens. */
    @Mixin
    ReportFlags report;

    /** --progress, --metrics-csv, --plot, --early-stop, --early-stop-delta. */
    @Mixin
    ListenerFlags listenerFlags;

    /** --spark-master, --spark-workers, --spark-data. */
    @Mixin
    SparkFlags sparkFlags;

    @Override
    public Integer call() throws Exception {
        checkFlags();
        List<Path> otherRun = checkpoints.otherRun(out);
        Path checkpoint = checkpoints.resumeFrom(out);
        if (checkpoint != null) {
            dataFlags.reusePrepared(out);                                 // the data the first run prepared
        }
        ModelDirectory initial = checkpoint != null ? ModelDirectory.open(checkpoint)
                : init == null ? null : ModelDirectory.open(init, spec);
        GPTConfig savedConfig = initial == null ? null : shape.savedConfig(initial);
        TrainingData d = null;
        SparkDataParallel workers = null;
        try {
            d = dataFlags.load();
            Tokenizer tokenizer = d.tokenizer();
            if (tokenizer == null && initial != null) {
                tokenizer = initial.tokenizer().orElse(null);
            }
            GPTConfig config = savedConfig != null ? savedConfig
                    : shape.newConfig(shape.vocabSize != null ? shape.vocabSize : d.defaultVocab());
            int t = shape.context != null ? shape.context : config.contextLength();
            if (initial != null) {
                initial.checkContext("--context", t);
            }
            d.checkFits(config, t);
            listenerFlags.checkValidation(d.val() != null);
            if (tokenizer != null && tokenizer.vocabSize() > config.vocabSize()) {
                throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the model's vocabulary is " + config.vocabSize());
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
            }
            TrainingMemory.check(config, run.batchSize, t, "train");
            if (sparkFlags.requested()) {
                workers = sparkFlags.start();                         // a master that cannot be reached fails here
            }

            // Everything is checked: from here on the output directory is written.
            if (!otherRun.isEmpty()) {
                TrainingCheckpoint.removeRunCheckpoints(out);
                LOG.info("--overwrite: deleted the checkpoints of the previous run in {}: {}", out, otherRun);
            }
            Files.createDirectories(out);
            d = d.moveStagedInto(out);
            GPT model = initial != null ? initial.loadForTraining(config.dropout(), run.seed)
                    : GPT.builder().config(config).seed(run.seed).build();
            LOG.info("model: {} layers, {} heads, {} channels, context {}, vocabulary {}: {} parameters",
                    config.layers(), config.heads(), config.embeddingSize(), config.contextLength(),
                    config.vocabSize(), model.parameterCount());
            TrainingReport report = fit(model, d, t, tokenizer, checkpoint, workers);
            new TrainingSummary(spec.commandLine().getOut(), out, this.report.sampleTokens, run.seed)
                    .print(report, model, tokenizer, d);
            return 0;
        } finally {
            if (workers != null) {
                workers.close();
            }
            if (d != null) {
                d.deleteStaged();
            }
        }
    }

    private void checkFlags() {
        shape.check(init == null);
        run.check();
        optimizer.check();
        precision.check();
        schedule.check(run.shuffled());
        checkpoints.check(init != null);
        report.check();
        dataFlags.check();
        listenerFlags.check();
        sparkFlags.checkBatch("--batch-size", run.batchSize);
    }

    private TrainingReport fit(GPT model, TrainingData d, int t, Tokenizer tokenizer, Path checkpoint,
                               SparkDataParallel workers) throws IOException {
        Trainer trainer = Trainer.forModel(model).data(d.train(), d.val()).contextLength(t)
                .precision(precision.mixedPrecision()).tokenizer(tokenizer);
        run.applyTo(trainer);
        optimizer.applyTo(trainer);
        schedule.applyTo(trainer, run.steps);
        report.applyTo(trainer);
        checkpoints.applyTo(trainer, out, checkpoint);
        if (workers != null) {
            trainer.distributed(workers);
        }
        LOG.info("training on {} ({} tokens){}", d.train().source(), d.train().size(),
                d.val() == null ? ", no validation data" : ", validating on " + d.val().source() + " ("
                        + d.val().size() + " tokens)");
        try (Closeable listeners = listenerFlags.addTo(trainer, report.logEvery, checkpoint != null)) {
            if (report.log == null) {
                return trainer.fit();
            }
            try (JsonLinesLog stepLog = checkpoint != null ? JsonLinesLog.append(report.log)
                    : JsonLinesLog.create(report.log)) {
                return trainer.listener(stepLog).fit();
            }
        }
    }
}
