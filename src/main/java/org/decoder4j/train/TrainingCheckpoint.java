package org.decoder4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.decoder4j.io.AtomicMove;
import org.decoder4j.io.DirectoryTree;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A resumable snapshot of a training run, in one directory that is also a model directory:
 *
 * <pre>
 * config.json, model.safetensors     the model, as GPT.save writes it (loadable by Hugging Face)
 * tokenizer.json                     when the trainer knows the tokenizer
 * optimizer.safetensors              per-parameter optimizer state ("3.exp_avg", ...)
 * trainer_state.json                 step, data position, seeds, learning rates, best loss
 * </pre>
 *
 * <p>The directory is written beside its final place and renamed into it, so a crash leaves
 * either the previous checkpoint or the complete new one, never a mixture.
 *
 * <pre>{@code
 * TrainingCheckpoint.write(dir, model, optimizer, state, tokenizer);
 * TrainingCheckpoint saved = TrainingCheckpoint.read(dir);
 * saved.restoreInto(model, optimizer);
 * long next = saved.state().step();
 * }</pre>
 */
public final class TrainingCheckpoint {

    /** The run's plain values. */
    public static final String STATE_FILE = "trainer_state.json";
    /** The optimizer's tensors. */
    public static final String OPTIMIZER_FILE = "optimizer.safetensors";
    /** {@code step-N} directories inside a run's {@code checkpoints} folder. */
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    /** Temporary directories of {@link #write}: {@code .step-N.<random>}, {@code .best.<random>}, {@code .X.old.<random>}. */
    private static final Pattern STAGING_DIR = Pattern.compile("\\.(step-\\d+|best)\\..+");
    private static final String FORMAT = "decoder4j-training-checkpoint";
    private static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path dir;
    private final TrainerState state;

    private TrainingCheckpoint(Path dir, TrainerState state) {
        this.dir = dir;
        this.state = state;
    }

    /**
     * The recorded run state.
     *
     * @return the run state
     */
    public TrainerState state() {
        return state;
    }

    /**
     * The checkpoint directory.
     *
     * @return the directory
     */
    public Path directory() {
        return dir;
    }

    /**
     * The name of the checkpoint directory for {@code step} steps: {@code step-<step>}.
     *
     * @param step the step count
     * @return the directory name
     */
    public static String directoryName(long step) {
        return "step-" + step;
    }

    /**
     * Writes a checkpoint to {@code dir}, replacing what was there in one rename.
     *
     * @param tokenizer written beside the model when not null
     * @param dir the checkpoint directory
     * @param model the model whose weights are saved
     * @param optimizer the optimizer whose state is saved
     * @param state the run state
     * @throws IOException if a file cannot be written; the previous checkpoint is then unchanged
     */
    public static void write(Path dir, GPT model, Optimizer optimizer, TrainerState state, Tokenizer tokenizer)
            throws IOException {
        Path target = dir.toAbsolutePath();
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        try {
            model.save(staging);
            if (tokenizer != null) {
                tokenizer.save(staging);
            }
            OptimizerState optimizerState = optimizer.state();
            SafeTensors.write(staging.resolve(OPTIMIZER_FILE), optimizerState.tensors(),
                    Map.of("format", FORMAT, "optimizer", optimizer.getClass().getSimpleName()));
            Files.write(staging.resolve(STATE_FILE), JSON.writeValueAsBytes(toJson(state)));
            replace(staging, target);
        } finally {
            DirectoryTree.delete(staging);
        }
    }

    /**
     * Reads the run state of the checkpoint in {@code dir}; the tensors are read by
     * {@link #restoreInto}.
     *
     * @throws NoSuchFileException if {@code dir} is not a checkpoint directory
     * @throws IOException if a file is malformed; the message names it
     * @param dir a checkpoint directory
     * @return the checkpoint
     */
    public static TrainingCheckpoint read(Path dir) throws IOException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(dir.toString(), null, "not a training checkpoint: no " + STATE_FILE
                    + " (a checkpoint is written by train --checkpoint-every)");
        }
        for (String required : List.of(OPTIMIZER_FILE, HuggingFaceGpt2.CONFIG_FILE, HuggingFaceGpt2.WEIGHTS_FILE)) {
            if (!Files.isRegularFile(dir.resolve(required))) {
                throw new NoSuchFileException(dir.resolve(required).toString(), null, "the checkpoint is incomplete");
            }
        }
        try {
            return new TrainingCheckpoint(dir, fromJson(JSON.readTree(file.toFile())));
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + " is not a valid training state: " + e.getMessage(), e);
        }
    }

    /**
     * Loads the checkpoint's weights into {@code model} and its state into {@code optimizer}.
     *
     * @throws IllegalArgumentException if the checkpoint's architecture differs from the model's
     *                                  or its optimizer state does not fit the optimizer
     * @param model a model of the checkpoint's architecture
     * @param optimizer an optimizer over that model's parameters
     * @throws IOException if a file cannot be read or is malformed
     */
    public void restoreInto(GPT model, Optimizer optimizer) throws IOException {
        GPTConfig saved = HuggingFaceGpt2.readConfig(dir.resolve(HuggingFaceGpt2.CONFIG_FILE));
        if (!saved.withDropout(model.config().dropout()).equals(model.config())) {
            throw new IllegalArgumentException("the checkpoint " + dir + " holds a different model: " + saved
                    + ", this model is " + model.config());
        }
        HuggingFaceGpt2.loadStateDict(model, SafeTensors.read(dir.resolve(HuggingFaceGpt2.WEIGHTS_FILE)),
                dir.resolve(HuggingFaceGpt2.WEIGHTS_FILE).toString());
        Map<String, INDArray> tensors = SafeTensors.read(dir.resolve(OPTIMIZER_FILE));
        optimizer.loadState(new OptimizerState(state.optimizerSteps(), state.groupLrs(), tensors));
    }

    /**
     * The checkpoint with the most steps among {@code checkpoints/step-N}, if any.
     *
     * @param checkpoints the directory holding {@code step-N} checkpoints
     * @return the latest checkpoint, or empty
     * @throws IOException if the directory cannot be listed
     */
    public static Optional<Path> latest(Path checkpoints) throws IOException {
        List<Path> all = list(checkpoints);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /**
     * Deletes all but the {@code keep} checkpoints with the most steps in {@code checkpoints}.
     *
     * @param checkpoints the directory holding {@code step-N} checkpoints
     * @param keep how many to keep
     * @throws IOException if a checkpoint cannot be deleted
     */
    public static void prune(Path checkpoints, int keep) throws IOException {
        prune(checkpoints, keep, Long.MAX_VALUE);
    }

    /**
     * Deletes all but the {@code keep} checkpoints with the most steps among those of at most
     * {@code upToStep} steps: checkpoints beyond it (left by another run) never push out the
     * current run's, and are not deleted either.
     *
     * @param checkpoints the directory holding {@code step-N} checkpoints
     * @param keep how many to keep
     * @param upToStep the current run's step count
     * @throws IOException if a checkpoint cannot be deleted
     */
    public static void prune(Path checkpoints, int keep, long upToStep) throws IOException {
        List<Path> all = list(checkpoints).stream().filter(p -> stepOf(p) <= upToStep).toList();
        for (int i = 0; i < all.size() - keep; i++) {
            DirectoryTree.delete(all.get(i));
        }
    }

    /**
     * What a run left in its output directory: its {@code checkpoints/step-N} checkpoints and its
     * {@code best} checkpoint, if any. A fresh run in that directory would mix its checkpoints
     * with these.
     *
     * <pre>{@code
     * List<Path> old = TrainingCheckpoint.runCheckpoints(Path.of("out"));   // [out/checkpoints/step-400, out/best]
     * }</pre>
     *
     * @param runDir a run's output directory
     * @return the checkpoint directories
     * @throws IOException if the directory cannot be listed
     */
    public static List<Path> runCheckpoints(Path runDir) throws IOException {
        List<Path> found = new ArrayList<>(list(runDir.resolve("checkpoints")));
        if (Files.isRegularFile(runDir.resolve("best").resolve(STATE_FILE))) {
            found.add(runDir.resolve("best"));
        }
        return found;
    }

    /**
     * Deletes the checkpoints {@link #runCheckpoints} lists, for a fresh run that replaces them.
     *
     * @param runDir a run's output directory
     * @throws IOException if a checkpoint cannot be deleted
     */
    public static void removeRunCheckpoints(Path runDir) throws IOException {
        for (Path p : runCheckpoints(runDir)) {
            DirectoryTree.delete(p);
        }
    }

    /**
     * Deletes the staging directories a write killed half-way left behind
     * ({@code checkpoints/.step-N.*}, {@code .best.*} and their {@code .old.} siblings); a
     * finished checkpoint is never in one.
     *
     * @return the directories deleted
     * @param runDir a run's output directory
     * @throws IOException if a directory cannot be deleted
     */
    public static List<Path> removeStaging(Path runDir) throws IOException {
        List<Path> removed = new ArrayList<>();
        for (Path parent : List.of(runDir, runDir.resolve("checkpoints"))) {
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> entries = Files.list(parent)) {
                for (Path p : entries.filter(Files::isDirectory).toList()) {
                    String name = p.getFileName().toString();
                    if (STAGING_DIR.matcher(name).matches()) {
                        DirectoryTree.delete(p);
                        removed.add(p);
                    }
                }
            }
        }
        return removed;
    }

    /** The {@code step-N} directories holding a state file, by increasing N. */
    private static List<Path> list(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> entries = Files.list(checkpoints)) {
            entries.filter(p -> STEP_DIR.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
                    .forEach(found::add);
        }
        found.sort(Comparator.comparingLong(TrainingCheckpoint::stepOf));
        return found;
    }

    private static long stepOf(Path p) {
        Matcher m = STEP_DIR.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    private static ObjectNode toJson(TrainerState s) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", 1);
        root.put("step", s.step());
        root.put("sampler_position", s.samplerPosition());
        root.put("seed", s.seed());
        root.put("batch_size", s.batchSize());
        root.put("context_length", s.contextLength());
        root.put("gradient_accumulation", s.accumulation());
        root.put("sampling", s.sampling().name().toLowerCase(java.util.Locale.ROOT));
        root.put("optimizer_steps", s.optimizerSteps());
        ArrayNode lrs = root.putArray("group_lrs");
        s.groupLrs().forEach(lrs::add);
        putNumber(root, "best_val_loss", s.bestValLoss());
        putNumber(root, "last_val_loss", s.lastValLoss());
        root.put("precision", s.precision().flag());
        if (s.scaler() == null) {
            root.putNull("scaler");
        } else {
            ObjectNode scaler = root.putObject("scaler");
            scaler.put("scale", s.scaler().scale());
            scaler.put("growth_tracker", s.scaler().growthTracker());
            scaler.put("skipped_steps", s.scaler().skippedSteps());
        }
        return root;
    }

    private static TrainerState fromJson(JsonNode root) throws IOException {
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new IOException("its \"format\" is not \"" + FORMAT + "\"");
        }
        List<Double> lrs = new ArrayList<>();
        JsonNode groupLrs = required(root, "group_lrs");
        if (!groupLrs.isArray()) {
            throw new IOException("\"group_lrs\" must be an array of numbers, got " + groupLrs);
        }
        for (JsonNode n : groupLrs) {
            if (!n.isNumber()) {
                throw new IOException("\"group_lrs\" must be an array of numbers, got " + groupLrs);
            }
            lrs.add(n.asDouble());
        }
        return new TrainerState(integer(root, "step", 0), integer(root, "sampler_position", 0),
                integer(root, "seed", Long.MIN_VALUE), (int) integer(root, "batch_size", 1),
                (int) integer(root, "context_length", 1), (int) integer(root, "gradient_accumulation", 1),
                WindowSampling.valueOf(required(root, "sampling").asText().toUpperCase(java.util.Locale.ROOT)),
                integer(root, "optimizer_steps", 0), lrs, number(root, "best_val_loss"),
                number(root, "last_val_loss"), Precision.parse(root.path("precision").asText("fp32")), scaler(root));
    }

    private static GradScaler.State scaler(JsonNode root) throws IOException {
        JsonNode n = root.get("scaler");
        if (n == null || n.isNull()) {
            return null;
        }
        return new GradScaler.State(required(n, "scale").asDouble(), required(n, "growth_tracker").asInt(),
                required(n, "skipped_steps").asLong());
    }

    /** A required integer of at least {@code min} (and within an int when min is 1). */
    private static long integer(JsonNode root, String key, long min) throws IOException {
        JsonNode n = required(root, key);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IOException("\"" + key + "\" must be an integer, got " + n);
        }
        long v = n.longValue();
        if (v < min || (min == 1 && v > Integer.MAX_VALUE)) {
            throw new IOException("\"" + key + "\" is " + v + "; it must be " + (min == 1 ? "in [1, "
                    + Integer.MAX_VALUE + "]" : "at least " + min));
        }
        return v;
    }

    private static JsonNode required(JsonNode root, String key) throws IOException {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) {
            throw new IOException("missing \"" + key + "\"");
        }
        return n;
    }

    /** A finite number, or null for NaN and the infinities, which JSON cannot hold. */
    private static void putNumber(ObjectNode root, String key, double value) {
        if (!Double.isFinite(value)) {
            root.putNull(key);
        } else {
            root.put(key, value);
        }
    }

    private static double number(JsonNode root, String key) {
        JsonNode n = root.get(key);
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    /** Moves the finished staging directory to {@code target}, replacing an older one there. */
    private static void replace(Path staging, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".old.");
            Files.delete(old);
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        AtomicMove.replace(staging, target);
        if (old != null) {
            DirectoryTree.delete(old);
        }
    }
}
