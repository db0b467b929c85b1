package org.decoder4j.cli;

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
import org.decoder4j.data.CharCorpusPreparation;
import org.decoder4j.data.PreparedCorpus;
import org.decoder4j.data.ShakespeareCorpus;
import org.decoder4j.data.TokenDataset;
import org.decoder4j.data.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.Activation;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.JsonLinesLog;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingReport;
import org.decoder4j.train.WindowSampling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
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
                    + "The defaults are nanoGPT's CPU recipe for Shakespeare characters."
        })
final class TrainCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    /** Shape defaults for a new model: the Shakespeare character recipe. */
    private static final int DEFAULT_CONTEXT = 64;
    private static final int DEFAULT_LAYERS = 4;
    private static final int DEFAULT_HEADS = 4;
    private static final int DEFAULT_EMBD = 128;

    enum Schedule { CONSTANT, COSINE }

    enum OptimizerKind { ADAMW }

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

    @Option(names = "--init", paramLabel = "MODEL_DIR",
            description = "Continue from a saved model; its config.json decides the architecture.")
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
            description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "12",
            description = "Windows per micro-batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--grad-accum", paramLabel = "K", defaultValue = "1",
            description = "Micro-batches whose gradients are summed before each optimizer step: one step "
                    + "sees K x B windows (default: ${DEFAULT-VALUE}).")
    int gradAccum;

    @Option(names = "--sampling", paramLabel = "random|sequential", defaultValue = "RANDOM",
            description = "random: each window starts at a seeded random offset; sequential: at step k row b is "
                    + "window (k*B + b) mod n of the consecutive windows (default: random).")
    WindowSampling sampling;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337",
            description = "Seed of the initial weights, dropout and batch order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--optimizer", paramLabel = "adamw", defaultValue = "ADAMW",
            description = "Optimizer (default: adamw).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--schedule", paramLabel = "constant|cosine", defaultValue = "COSINE",
            description = "Learning rate after the warmup: constant, or a cosine from --lr down to --min-lr at "
                    + "--decay-steps (default: cosine).")
    Schedule schedule;

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

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1 (default: ${DEFAULT-VALUE}).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.99", description = "AdamW beta2 (default: ${DEFAULT-VALUE}).")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW epsilon (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--grad-clip", paramLabel = "NORM", defaultValue = "1.0",
            description = "Clip the global gradient L2 norm to NORM; 0 = off (default: ${DEFAULT-VALUE}).")
    double gradClip;

    // ------------------------------------------------------------------ reporting

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "250",
            description = "Validation loss over the whole validation file every N steps and at the end; the "
                    + "best model is kept in OUT/best; 0 = only at the end (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--eval-batch-size", paramLabel = "B", defaultValue = "32",
            description = "Windows per forward pass during validation (default: ${DEFAULT-VALUE}).")
    int evalBatchSize;

    @Option(names = "--log", paramLabel = "FILE",
            description = "Write one JSON object per step: {\"step\",\"loss\",\"lr\",\"grad_norm\",\"ms\"} "
                    + "(grad_norm before clipping, ms = wall time of the step).")
    Path log;

    @Option(names = "--log-every", paramLabel = "N", defaultValue = "100",
            description = "Progress line on standard error every N steps (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Option(names = "--sample-tokens", paramLabel = "N", defaultValue = "300",
            description = "Tokens of text to print after training, when the tokenizer is known; 0 = none "
                    + "(default: ${DEFAULT-VALUE}).")
    int sampleTokens;

    /**
     * The training and validation tokens (validation may be null), the tokenizer if known, and,
     * without --data, the corpus prepared in a temporary directory that is deleted at the end.
     */
    private record Data(TokenDataset train, TokenDataset val, Tokenizer tokenizer, PreparedCorpus staged) {
    }

    @Override
    public Integer call() throws Exception {
        checkFlags();
        ModelDirectory initial = init == null ? null : ModelDirectory.open(init);
        if (initial != null) {
            checkShapeAgainst(initial);
        }
        Data d = null;
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
            if (tokenizer != null && tokenizer.vocabSize() > config.vocabSize()) {
                throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                        + " tokens but the model's vocabulary is " + config.vocabSize());
            }
            if (Files.exists(out) && !Files.isDirectory(out)) {
                throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
            }

            // Everything is checked: from here on the output directory is written.
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
            TrainingReport report = fit(model, d, t);
            if (tokenizer != null) {
                tokenizer.save(out);
                if (Files.isDirectory(out.resolve("best"))) {
                    tokenizer.save(out.resolve("best"));
                }
            }
            printSummary(report, model, tokenizer, d);
            return 0;
        } finally {
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

    private TrainingReport fit(GPT model, Data d, int t) throws IOException {
        Trainer trainer = Trainer.forModel(model)
                .data(d.train(), d.val())
                .batchSize(batchSize)
                .gradientAccumulation(gradAccum)
                .contextLength(t)
                .steps(steps)
                .optimizer(AdamW.lr(lr).betas(beta1, beta2).eps(eps).weightDecay(weightDecay))
                .schedule(schedule())
                .clipGradNorm(gradClip)
                .seed(seed)
                .sampling(sampling)
                .evalEvery(evalEvery)
                .evalBatchSize(evalBatchSize)
                .checkpointDir(out)
                .listener(new LoggingListener(logEvery));
        LOG.info("training on {} ({} tokens){}", d.train().source(), d.train().size(),
                d.val() == null ? ", no validation data" : ", validating on " + d.val().source() + " ("
                        + d.val().size() + " tokens)");
        if (log == null) {
            return trainer.fit();
        }
        try (JsonLinesLog stepLog = JsonLinesLog.create(log)) {
            return trainer.listener(stepLog).fit();
        }
    }

    private LrSchedule schedule() {
        if (schedule == Schedule.COSINE) {
            // As nanoGPT: a warmup longer than the decay simply runs to its end.
            long decay = decaySteps != null ? decaySteps : steps;
            return LrSchedule.warmupCosine(warmupSteps, Math.max(decay, warmupSteps), minLr);
        }
        if (warmupSteps == 0) {
            return LrSchedule.constant();
        }
        long w = warmupSteps;
        return (step, base) -> step < w ? base * (step + 1) / (w + 1) : base;   // nanoGPT's warmup, then flat
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
        o.println(String.join(", ", losses));
        o.println("model saved to " + out);
        if (tokenizer != null && sampleTokens > 0) {
            int[] prompt = samplePrompt(tokenizer, d.train());
            Sampling sampling = Sampling.topK(Math.min(200, model.config().vocabSize())).temperature(0.8).seed(seed);
            int[] ids = Generator.of(model).generate(prompt, sampling, sampleTokens, id -> { });
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
