package org.decoder4j.cli;

import java.io.Closeable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.CharCorpusPreparation;
import org.decoder4j.data.PreparedCorpus;
import org.decoder4j.data.ShakespeareCorpus;
import org.decoder4j.data.TokenDataset;
import org.decoder4j.data.Tokenizer;
import org.decoder4j.distributed.SparkDataParallel;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.Activation;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.optim.Adam;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.OptimizerSettings;
import org.decoder4j.optim.SGD;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.JsonLinesLog;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingCheckpoint;
import org.decoder4j.train.TrainingMemory;
import org.decoder4j.train.TrainingReport;
import org.decoder4j.train.WindowSampling;
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

    /** Shape defaults for a new model: the Shakespeare character recipe. */
    private static final int DEFAULT_CONTEXT = 64;
    private static final int DEFAULT_LAYERS = 4;
    private static final int DEFAULT_HEADS = 4;
    private static final int DEFAULT_EMBD = 128;

    enum Schedule { CONSTANT, COSINE, STEP, MULTISTEP, EXPONENTIAL }

    enum OptimizerKind { ADAMW, ADAM, SGD }

    enum ScheduleUnit { STEP, EPOCH }

    @Spec
    CommandSpec spec;

    // ------------------------------------------------------------------ data and model

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "Prepared directory (train.bin, val.bin if present, tokenizer.json if present) or a "
                    + "token file (a tokenizer.json beside it is used). "
                    + "Default: prepare Tiny Shakespeare (or --input) into OUT/data.")
    Path data;

    @Option(names = "--val", paramLabel = "FILE",
            description = "Validation token file (default: val.bin of a --data directory; none for a --data file).")
    Path val;

    @Option(names = "--input", paramLabel = "FILE",
            description = "Text to prepare when there is no --data (default: Tiny Shakespeare, downloaded once "
                    + "into ~/.cache/decoder4j).")
    Path input;

    @Option(names = "--init", paramLabel = "MODEL_DIR|hf:ORG/NAME[@REV]",
            description = "Continue from a saved model or a Hugging Face Hub repository; its config.json decides "
                    + "the architecture.")
    Path init;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where the model, its tokenizer and (without --data) the prepared data are written.")
    Path out;

    @Option(names = "--context", paramLabel = "T",
            description = "Tokens per training window; a new model's n_positions (default: 64; with --init, "
                    + "the model's n_positions).")
    Integer context;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder blocks of a new model (default: 4).")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads per block (default: 4).")
    Integer heads;

    @Option(names = "--embd", paramLabel = "C", description = "Channels; a multiple of --heads (default: 128).")
    Integer embd;

    @Option(names = "--vocab-size", paramLabel = "V",
            description = "Vocabulary of a new model (default: the tokenizer's, else the largest token id + 1).")
    Integer vocabSize;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout probability (default: 0; with --init, the model's).")
    Double dropout;

    // ------------------------------------------------------------------ the run

    @Option(names = "--steps", paramLabel = "N", defaultValue = "2000",
            description = "Optimizer steps in total; a resumed run counts the steps before its checkpoint "
                    + "(default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train N epochs over the non-overlapping windows, shuffled by --seed each epoch, "
                    + "instead of --steps.")
    Long epochs;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "12",
            description = "Windows per micro-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--grad-accum", paramLabel = "K", defaultValue = "1",
            description = "Micro-batches whose gradients are summed before each optimizer step: one step "
                    + "sees K x B windows (default: ${DEFAULT-VALUE}).")
    int gradAccum;

    @Option(names = "--sampling", paramLabel = "random|sequential|shuffled", defaultValue = "RANDOM",
            description = "random: each window starts at a seeded random offset; sequential: at step k row b is "
                    + "window (k*B + b) mod n of the consecutive windows; shuffled: epochs over the windows in a "
                    + "seeded order (default: random; --epochs implies shuffled).")
    WindowSampling sampling;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337",
            description = "Seed of the initial weights, dropout and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--optimizer", paramLabel = "adamw|adam|sgd", defaultValue = "ADAMW",
            description = "adamw: decoupled weight decay; adam: weight decay added to the gradient (L2); sgd: "
                    + "with --momentum, --dampening, --nesterov (default: adamw).")
    OptimizerKind optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0",
            description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--dampening", paramLabel = "D", defaultValue = "0",
            description = "SGD dampening of the momentum (default: ${DEFAULT-VALUE}).")
    double dampening;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--schedule", paramLabel = "constant|cosine|step|multistep|exponential", defaultValue = "COSINE",
            description = "Learning rate: constant; cosine (nanoGPT's: warmup, then a cosine from --lr down to "
                    + "--min-lr at --decay-steps); step (x --gamma every --step-size); multistep (x --gamma at "
                    + "each of --milestones); exponential (x --gamma each step or epoch). The last three start "
                    + "after a linear warmup of --warmup-steps (default: cosine).")
    Schedule schedule;

    @Option(names = "--schedule-per", paramLabel = "step|epoch", defaultValue = "STEP",
            description = "Advance the schedule every optimizer step or, with --epochs, every epoch as a PyTorch "
                    + "scheduler stepped once per epoch (default: step).")
    ScheduleUnit schedulePer;

    @Option(names = "--step-size", paramLabel = "N", defaultValue = "10",
            description = "Steps (or epochs) between decays of the step schedule (default: ${DEFAULT-VALUE}).")
    long stepSize;

    @Option(names = "--gamma", paramLabel = "G", defaultValue = "0.1",
            description = "Decay factor of the step, multistep and exponential schedules (default: ${DEFAULT-VALUE}).")
    double gamma;

    @Option(names = "--milestones", paramLabel = "N,N,...", split = ",",
            description = "Increasing steps (or epochs) at which the multistep schedule decays.")
    long[] milestones;

    @Option(names = "--warmup-steps", paramLabel = "N", defaultValue = "100",
            description = "Linear warmup steps, for either schedule (default: ${DEFAULT-VALUE}).")
    long warmupSteps;

    @Option(names = "--decay-steps", paramLabel = "N",
            description = "Step at which the cosine reaches --min-lr (default: --steps).")
    Long decaySteps;

    @Option(names = "--min-lr", paramLabel = "LR", defaultValue = "1e-4",
            description = "Final learning rate of the cosine schedule (default: ${DEFAULT-VALUE}).")
    double minLr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.1",
            description = "Decoupled weight decay on matrices and embeddings, none on biases and norms "
                    + "(default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--no-decay-embeddings",
            description = "No weight decay on the token and position embeddings (default: decayed, as nanoGPT).")
    boolean noDecayEmbeddings;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1 (default: ${DEFAULT-VALUE}).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.99", description = "AdamW beta2 (default: ${DEFAULT-VALUE}).")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW epsilon (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--grad-clip", paramLabel = "NORM", defaultValue = "1.0",
            description = "Clip the global gradient norm to NORM; 0 = off (default: ${DEFAULT-VALUE}).")
    double gradClip;

    @Option(names = "--clip-norm-type", paramLabel = "2|inf|P", defaultValue = "2",
            description = "Norm of --grad-clip: 2, inf (the largest absolute gradient) or any P > 0 "
                    + "(default: ${DEFAULT-VALUE}).")
    String clipNormType;

    @Option(names = "--precision", paramLabel = "fp32|bf16|fp16", defaultValue = "fp32",
            description = "fp32; bf16: matrix products in bfloat16 (fast with the oneDNN build of ND4J, emulated "
                    + "otherwise); fp16: products in float16 with dynamic loss scaling. Weights, optimizer and "
                    + "everything else stay float32 (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--loss-scale", paramLabel = "dynamic|off", defaultValue = "dynamic",
            description = "Loss scaling for fp16 (PyTorch's GradScaler: 2^16, x2 every 2000 clean steps, x0.5 on "
                    + "overflow); off is refused with fp16 (default: ${DEFAULT-VALUE}).")
    String lossScale;

    @Option(names = "--max-bad-steps", paramLabel = "N", defaultValue = "0",
            description = "Steps in a row with a non-finite loss or gradient norm that are skipped before the run "
                    + "stops with exit status 3; 0 stops at the first (default: ${DEFAULT-VALUE}).")
    int maxBadSteps;

    @Option(names = "--max-skipped-steps", paramLabel = "N", defaultValue = "16",
            description = "Optimizer steps in a row the fp16 loss scaler may skip before the run stops with exit "
                    + "status 3 (default: ${DEFAULT-VALUE}).")
    int maxSkippedSteps;

    // ------------------------------------------------------------------ checkpoints

    @Option(names = "--checkpoint-every", paramLabel = "N", defaultValue = "0",
            description = "Write a resumable checkpoint to OUT/checkpoints/step-N every N steps; 0 = none "
                    + "(default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @Option(names = "--keep-checkpoints", paramLabel = "N", defaultValue = "3",
            description = "Keep the N latest checkpoints (default: ${DEFAULT-VALUE}); OUT/best is kept apart.")
    int keepCheckpoints;

    @Option(names = "--overwrite",
            description = "Start a fresh run in an --out that holds another run's checkpoints (OUT/checkpoints, "
                    + "OUT/best), deleting them first; without it such an --out is refused.")
    boolean overwrite;

    @Option(names = "--resume", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
            description = "Continue a run: from the checkpoint DIR, or from the latest checkpoint in DIR/checkpoints, "
                    + "or, without DIR, in OUT/checkpoints. Repeat the run's flags; --steps is the total.")
    String resume;

    // ------------------------------------------------------------------ reporting

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "250",
            description = "Validation loss over the whole validation file every N steps and at the end; the "
                    + "best model is kept in OUT/best; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-batch-size", paramLabel = "B", defaultValue = "32",
            description = "Windows per forward pass during validation (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Write one JSON object per step, {\"step\",\"loss\",\"lr\",\"grad_norm\",\"tokens_per_s\","
                    + "\"ms\"} (grad_norm before clipping, ms = wall time of the step), and one per validation, "
                    + "{\"step\",\"val_loss\"}.")
    Path log;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "100",
            description = "Progress line on standard error every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--sample-tokens", paramLabel = "N", defaultValue = "300",
            description = "Tokens of text to print after training, when the tokenizer is known; 0 = none "
                    + "(default: ${DEFAULT-VALUE}).")
    int sampleTokens;

    /** --progress, --metrics-csv, --plot, --early-stop, --early-stop-delta. */
    @Mixin
    ListenerFlags listenerFlags;

    /** --spark-master, --spark-workers, --spark-data. */
    @Mixin
    SparkFlags sparkFlags;

    /**
     * The training and validation tokens (validation may be null), the tokenizer if known, and,
     * without --data, the corpus prepared in a temporary directory that is deleted at the end.
     */
    private record Data(TokenDataset train, TokenDataset val, Tokenizer tokenizer, PreparedCorpus staged) {
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        List<Path> otherRun = resume == null ? TrainingCheckpoint.runCheckpoints(out) : List.of();
        if (!otherRun.isEmpty() && !overwrite) {
            throw new IllegalArgumentException("--out " + out + " holds another run's checkpoints ("
                    + otherRun.stream().map(p -> out.relativize(p).toString()).toList() + "): continue that run "
                    + "with --resume, or start a fresh one with --overwrite, which deletes them");
        }
        Path checkpoint = resume == null ? null : resolveCheckpoint();
        if (checkpoint != null && data == null && input == null && Files.isRegularFile(out.resolve("data/train.bin"))) {
            data = out.resolve("data");                                      // the data the first run prepared
        }
        ModelDirectory initial = checkpoint != null ? ModelDirectory.open(checkpoint)
                : init == null ? null : ModelDirectory.open(init, spec);
        if (initial != null) {
            checkShapeAgainst(initial);
        }
        Data d = null;
        SparkDataParallel workers = null;
        try {
            d = loadData();
            Tokenizer tokenizer = d.tokenizer();
            if (tokenizer == null && initial != null) {
                tokenizer = initial.tokenizer().orElse(null);
            }
            GPTConfig config = initial != null
                    ? initial.config().withDropout(dropout != null ? dropout : initial.config().dropout())
                    : newConfig(d, tokenizer);
            int t = context != null ? context : config.contextLength();
            if (initial != null) {
                initial.checkContext("--context", t);
            }
            checkFits(d.train(), config, t);
            if (d.val() != null) {
                checkFits(d.val(), config, t);
            }
            listenerFlags.checkValidation(d.val() != null);
            if (tokenizer != null && tokenizer.vocabSize() > config.vocabSize()) {
                throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the model's vocabulary is " + config.vocabSize());
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
            }
            TrainingMemory.check(config, batchSize, t, "train");

            if (sparkFlags.requested()) {
                workers = sparkFlags.start();                         // a master that cannot be reached fails here
            }

            // Everything is checked: from here on the output directory is written.
            if (!otherRun.isEmpty()) {
                TrainingCheckpoint.removeRunCheckpoints(out);
                LOG.info("--overwrite: deleted the checkpoints of the previous run in {}: {}", out, otherRun);
            }
            Files.createDirectories(out);
            if (d.staged() != null) {
                d = moveStagedData(d);
            }
            GPT model = initial != null
                    ? initial.loadForTraining(config.dropout(), seed)
                    : GPT.builder().config(config).seed(seed).build();
            LOG.info("model: {} layers, {} heads, {} channels, context {}, vocabulary {}: {} parameters",
                    config.layers(), config.heads(), config.embeddingSize(), config.contextLength(),
                    config.vocabSize(), model.parameterCount());
            TrainingReport report = fit(model, d, t, tokenizer, checkpoint, workers);
            printSummary(report, model, tokenizer, d);
            return 0;
        } finally {
            if (workers != null) {
                workers.close();
            }
            if (d != null && d.staged() != null) {
                deleteTree(d.staged().directory());
            }
        }
    }

    // ------------------------------------------------------------------ checks

    private void checkFlags() {
        Flags.nonNegative(spec, "--steps", steps);
        Flags.positive(spec, "--batch-size", batchSize);
        Flags.positive(spec, "--grad-accum", gradAccum);
        if (context != null) {
            Flags.positive(spec, "--context", context);
        }
        if (layers != null) {
            Flags.positive(spec, "--layers", layers);
        }
        if (heads != null) {
            Flags.positive(spec, "--heads", heads);
        }
        if (embd != null) {
            Flags.positive(spec, "--embd", embd);
        }
        if (vocabSize != null) {
            Flags.positive(spec, "--vocab-size", vocabSize);
        }
        if (dropout != null) {
            Flags.inRange(spec, "--dropout", dropout, 0, 1);
        }
        int c = embd != null ? embd : DEFAULT_EMBD;
        int h = heads != null ? heads : DEFAULT_HEADS;
        if (init == null && c % h != 0) {
            throw Flags.usage(spec, "--embd " + c + " is not a multiple of --heads " + h);
        }
        Flags.positive(spec, "--lr", lr);
        Flags.nonNegative(spec, "--min-lr", minLr);
        Flags.nonNegative(spec, "--warmup-steps", warmupSteps);
        if (decaySteps != null) {
            Flags.nonNegative(spec, "--decay-steps", decaySteps);
        }
        Flags.nonNegative(spec, "--weight-decay", weightDecay);
        Flags.inRange(spec, "--beta1", beta1, 0, 1);
        Flags.inRange(spec, "--beta2", beta2, 0, 1);
        Flags.positive(spec, "--eps", eps);
        Flags.nonNegative(spec, "--grad-clip", gradClip);
        clipNorm();
        Precision p = precision();
        if (!lossScale.equals("dynamic") && !lossScale.equals("off")) {
            throw Flags.usage(spec, "--loss-scale must be dynamic or off, got '" + lossScale + "'");
        }
        if (p == Precision.FP16_MIXED && lossScale.equals("off")) {
            throw Flags.usage(spec, "--precision fp16 needs --loss-scale dynamic: without loss scaling small "
                    + "float16 gradients flush to zero (bf16 needs none)");
        }
        if (epochs != null) {
            Flags.positive(spec, "--epochs", epochs);
            if (spec.commandLine().getParseResult().hasMatchedOption("--steps")) {
                throw Flags.usage(spec, "--epochs and --steps exclude each other: --epochs sets the number of "
                        + "steps from the data; give one of them");
            }
        }
        if (schedulePer == ScheduleUnit.EPOCH && epochs == null && sampling != WindowSampling.SHUFFLED) {
            throw Flags.usage(spec, "--schedule-per epoch needs --epochs (or --sampling shuffled)");
        }
        Flags.positive(spec, "--step-size", stepSize);
        Flags.positive(spec, "--gamma", gamma);
        if (schedule == Schedule.MULTISTEP && (milestones == null || milestones.length == 0)) {
            throw Flags.usage(spec, "--schedule multistep needs --milestones, e.g. --milestones 500,1000");
        }
        if (optimizer != OptimizerKind.SGD && (momentum != 0 || dampening != 0 || nesterov)) {
            throw Flags.usage(spec, "--momentum, --dampening and --nesterov are for --optimizer sgd");
        }
        Flags.nonNegative(spec, "--momentum", momentum);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw Flags.usage(spec, "--nesterov needs --momentum > 0 and --dampening 0");
        }
        Flags.nonNegative(spec, "--max-bad-steps", maxBadSteps);
        Flags.nonNegative(spec, "--max-skipped-steps", maxSkippedSteps);
        Flags.nonNegative(spec, "--checkpoint-every", checkpointEvery);
        Flags.positive(spec, "--keep-checkpoints", keepCheckpoints);
        if (resume != null && overwrite) {
            throw Flags.usage(spec, "--resume and --overwrite exclude each other: --resume continues the run in "
                    + "--out, --overwrite deletes its checkpoints to start a fresh one");
        }
        if (resume != null && init != null) {
            throw Flags.usage(spec, "--resume and --init exclude each other: --resume continues a run with its "
                    + "optimizer state, --init starts a new run from saved weights");
        }
        Flags.nonNegative(spec, "--eval-every", evalEvery);
        Flags.positive(spec, "--eval-batch-size", evalBatchSize);
        Flags.positive(spec, "--log-every", logEvery);
        Flags.nonNegative(spec, "--sample-tokens", sampleTokens);
        if (data != null && input != null) {
            throw Flags.usage(spec, "--input and --data exclude each other: --input is a text to prepare, "
                    + "--data is already prepared");
        }
        if (data == null && val != null) {
            throw Flags.usage(spec, "--val needs --data (without --data the validation split is prepared "
                    + "with the training data)");
        }
        if (log != null && Files.isDirectory(log)) {
            throw Flags.usage(spec, "--log " + log + " is a directory; give a file name");
        }
        listenerFlags.check();
        sparkFlags.checkBatch("--batch-size", batchSize);
    }

    private Precision precision() {
        try {
            return Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw Flags.usage(spec, "--precision: " + e.getMessage());
        }
    }

    /** The --clip-norm-type as a number: 2, a p > 0, or infinity. */
    private double clipNorm() {
        if (clipNormType.equalsIgnoreCase("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double p = Double.parseDouble(clipNormType);
            if (p > 0) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Flags.usage(spec, "--clip-norm-type must be 2, inf or a positive number, got '" + clipNormType + "'");
    }

    /** The checkpoint --resume names: the directory itself, or the latest in DIR/checkpoints or OUT/checkpoints. */
    private Path resolveCheckpoint() throws IOException {
        Path given = resume.isEmpty() ? out : Path.of(resume);
        if (Files.isRegularFile(given.resolve(TrainingCheckpoint.STATE_FILE))) {
            return given;
        }
        return TrainingCheckpoint.latest(given.resolve("checkpoints")).orElseThrow(() -> new IllegalArgumentException(
                "--resume: " + given + " is not a checkpoint and has no checkpoints/step-N inside (they are "
                        + "written by train --checkpoint-every N)"));
    }

    /** With --init the saved config decides the shape: a shape flag may only repeat it. */
    private void checkShapeAgainst(ModelDirectory initial) {
        GPTConfig c = initial.config();
        conflict("--layers", layers, "n_layer", c.layers(), initial);
        conflict("--heads", heads, "n_head", c.heads(), initial);
        conflict("--embd", embd, "n_embd", c.embeddingSize(), initial);
        conflict("--vocab-size", vocabSize, "vocab_size", c.vocabSize(), initial);
    }

    private void conflict(String flag, Integer given, String key, int saved, ModelDirectory initial) {
        if (given != null && given != saved) {
            throw Flags.usage(spec, flag + " " + given + " conflicts with the --init model, whose " + key + " is "
                    + saved + " (" + initial.path() + "); leave the shape flags out with --init");
        }
    }

    /** Every id within the vocabulary, and at least one window of {@code t} inputs plus a target. */
    private static void checkFits(TokenDataset tokens, GPTConfig config, int t) {
        tokens.checkVocabulary(config.vocabSize());
        if (tokens.size() < t + 1L) {
            throw new IllegalArgumentException(tokens.source() + " has " + tokens.size() + " tokens, fewer than "
                    + "one window of --context " + t + " inputs plus its target (" + (t + 1) + ")");
        }
    }

    private GPTConfig newConfig(Data d, Tokenizer tokenizer) {
        int vocab;
        if (vocabSize != null) {
            vocab = vocabSize;
        } else if (tokenizer != null) {
            vocab = tokenizer.vocabSize();
        } else {
            vocab = 1 + Math.max(d.train().maxToken(), d.val() == null ? 0 : d.val().maxToken());
            LOG.info("no tokenizer: vocabulary {} (the largest token id + 1)", vocab);
        }
        return new GPTConfig(vocab, context != null ? context : DEFAULT_CONTEXT,
                layers != null ? layers : DEFAULT_LAYERS, heads != null ? heads : DEFAULT_HEADS,
                embd != null ? embd : DEFAULT_EMBD, dropout != null ? dropout : 0.0, 1e-5, Activation.GELU_TANH);
    }

    // ------------------------------------------------------------------ data

    private Data loadData() throws IOException {
        if (data == null) {
            // Prepared in a temporary directory first: it moves to OUT/data once every check has passed.
            Path text = ShakespeareCorpus.standard().locate(input);
            Path staging = Files.createTempDirectory("decoder4j-data");
            try {
                PreparedCorpus prepared = CharCorpusPreparation.prepare(text, staging);
                return new Data(TokenDataset.open(prepared.trainFile()), TokenDataset.open(prepared.valFile()),
                        Tokenizer.load(staging), prepared);
            } catch (IOException | RuntimeException e) {
                deleteTree(staging);
                throw e;
            }
        }
        if (Files.isDirectory(data)) {
            Path valFile = val != null ? val : data.resolve("val.bin");
            return new Data(TokenDataset.open(data.resolve("train.bin")),
                    val != null || Files.exists(valFile) ? TokenDataset.open(valFile) : null,
                    Tokenizer.loadIfPresent(data).orElse(null), null);
        }
        Path beside = data.toAbsolutePath().getParent();
        TokenDataset train = TokenDataset.open(data);
        return new Data(train, val == null ? null : TokenDataset.open(val),
                beside == null ? null : Tokenizer.loadIfPresent(beside).orElse(null), null);
    }

    /** Moves the staged train.bin, val.bin and tokenizer.json into OUT/data and opens them there. */
    private Data moveStagedData(Data d) throws IOException {
        PreparedCorpus staged = d.staged();
        Path target = out.resolve("data");
        Files.createDirectories(target);
        PreparedCorpus moved = new PreparedCorpus(target, staged.vocabSize(), staged.characters(),
                staged.trainTokens(), staged.valTokens());
        move(staged.trainFile(), moved.trainFile());
        move(staged.valFile(), moved.valFile());
        move(staged.tokenizerFile(), moved.tokenizerFile());
        LOG.info("training data in {}", target);
        return new Data(TokenDataset.open(moved.trainFile()), TokenDataset.open(moved.valFile()), d.tokenizer(),
                staged);
    }

    /** Replaces {@code to} by {@code from} in one rename, copying beside {@code to} first across file systems. */
    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Path part = Files.createTempFile(to.getParent(), to.getFileName() + ".", ".part");
            try {
                Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
                Files.move(part, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(part);
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("could not delete the temporary directory {}: {}", dir, e.toString());
        }
    }

    // ------------------------------------------------------------------ training

    private TrainingReport fit(GPT model, Data d, int t, Tokenizer tokenizer, Path checkpoint,
                               SparkDataParallel workers) throws IOException {
        Trainer trainer = Trainer.forModel(model)
                .data(d.train(), d.val())
                .batchSize(batchSize)
                .gradientAccumulation(gradAccum)
                .contextLength(t)
                .optimizer(optimizerSettings())
                .decayEmbeddings(!noDecayEmbeddings)
                .precision(precision())
                .clipGradNorm(gradClip, clipNorm())
                .seed(seed)
                .sampling(sampling)
                .evalEvery(evalEvery)
                .evalBatchSize(evalBatchSize)
                .checkpointDir(out)
                .checkpointEvery(checkpointEvery)
                .keepCheckpoints(keepCheckpoints)
                .maxBadSteps(maxBadSteps)
                .maxSkippedSteps(maxSkippedSteps)
                .tokenizer(tokenizer);
        if (epochs != null) {
            trainer.epochs(epochs);
        } else {
            trainer.steps(steps);
        }
        if (schedulePer == ScheduleUnit.EPOCH) {
            trainer.schedulePerEpoch(schedule());
        } else {
            trainer.schedule(schedule());
        }
        if (checkpoint != null) {
            trainer.resumeFrom(checkpoint);
        }
        if (lossScale.equals("off")) {
            trainer.noLossScaling();
        } else if (precision() != Precision.FP32 && precision().needsLossScaling()) {
            trainer.gradScaler(new GradScaler());
        }
        LOG.info("training on {} ({} tokens){}", d.train().source(), d.train().size(),
                d.val() == null ? ", no validation data" : ", validating on " + d.val().source() + " ("
                        + d.val().size() + " tokens)");
        if (workers != null) {
            trainer.distributed(workers);
        }
        try (Closeable listeners = listenerFlags.addTo(trainer, logEvery, checkpoint != null)) {
            if (log == null) {
                return trainer.fit();
            }
            try (JsonLinesLog stepLog = checkpoint != null ? JsonLinesLog.append(log) : JsonLinesLog.create(log)) {
                return trainer.listener(stepLog).fit();
            }
        }
    }

    private OptimizerSettings optimizerSettings() {
        return switch (optimizer) {
            case ADAMW -> AdamW.lr(lr).betas(beta1, beta2).eps(eps).weightDecay(weightDecay);
            case ADAM -> Adam.lr(lr).betas(beta1, beta2).eps(eps).weightDecay(weightDecay);
            case SGD -> SGD.lr(lr).momentum(momentum).dampening(dampening).nesterov(nesterov).weightDecay(weightDecay);
        };
    }

    private LrSchedule schedule() {
        switch (schedule) {
            case COSINE -> {
                // As nanoGPT: a warmup longer than the decay simply runs to its end.
                long decay = decaySteps != null ? decaySteps : steps;
                return LrSchedule.warmupCosine(warmupSteps, Math.max(decay, warmupSteps), minLr);
            }
            case STEP -> {
                return LrSchedule.warmupThen(warmupSteps, LrSchedule.stepLR(stepSize, gamma));
            }
            case MULTISTEP -> {
                return LrSchedule.warmupThen(warmupSteps, LrSchedule.multiStepLR(gamma, milestones));
            }
            case EXPONENTIAL -> {
                return LrSchedule.warmupThen(warmupSteps, LrSchedule.exponentialLR(gamma));
            }
            default -> {
                if (warmupSteps == 0) {
                    return LrSchedule.constant();
                }
                long w = warmupSteps;
                return (step, base) -> step < w ? base * (step + 1) / (w + 1) : base;   // nanoGPT's warmup, then flat
            }
        }
    }

    private void printSummary(TrainingReport r, GPT model, Tokenizer tokenizer, Data d) {
        PrintWriter o = spec.commandLine().getOut();
        long seconds = Math.round(r.totalSeconds());
        o.printf(Locale.ROOT, "trained %d steps in %d:%02d (median step %.1f ms, %.0f tokens/s)%n", r.steps(),
                seconds / 60, seconds % 60, r.medianStepMillis(), r.tokensPerSecond());
        List<String> losses = new ArrayList<>();
        losses.add(String.format(Locale.ROOT, "train loss %.4f", r.finalTrainLoss()));
        if (d.val() != null) {
            losses.add(String.format(Locale.ROOT, "val loss %.4f (best %.4f, kept in %s)", r.finalValLoss(),
                    r.bestValLoss(), out.resolve("best")));
        }
        if (r.skippedSteps() > 0) {
            losses.add(r.skippedSteps() + " steps skipped for non-finite fp16 gradients");
        }
        o.println(String.join(", ", losses));
        o.println("model saved to " + out);
        if (tokenizer != null && sampleTokens > 0) {
            int[] prompt = samplePrompt(tokenizer, d.train());
            Sampling sampling = Sampling.topK(Math.min(200, model.config().vocabSize())).temperature(0.8).seed(seed);
            int[] ids = Generator.of(model, tokenizer).generate(prompt, sampling, sampleTokens, id -> { });
            o.println();
            o.println(tokenizer.decode(ids));
        }
        o.flush();
    }

    /** A line break when the tokenizer has one, else the first training token. */
    private static int[] samplePrompt(Tokenizer tokenizer, TokenDataset train) {
        try {
            return tokenizer.encode("\n");
        } catch (IllegalArgumentException e) {
            return new int[] {train.get(0)};
        }
    }
}
