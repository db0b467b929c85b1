package org.decoder4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.hub.HubRepository;
import org.decoder4j.hub.HubSettings;
import org.decoder4j.hub.HuggingFaceHub;
import org.decoder4j.hub.RepoRef;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.decoder4j.nn.PretrainedGpt2;
import picocli.CommandLine.Model.CommandSpec;

/**
 * A model directory given on the command line (or a Hub repository, {@code hf:ORG/NAME[@REVISION]}): its {@code config.json} is read (and the weights
 * file checked for) when it is opened, so that flags can be checked against the model's shape
 * before any weights are loaded or anything is written.
 */
final class ModelDirectory {

    /** The prefix of a Hugging Face Hub repository given where a model directory is expected. */
    static final String HUB_PREFIX = "hf:";

    private final Path dir;
    private final GPTConfig config;
    private final Optional<Tokenizer> hubTokenizer;      // null for a local directory

    private ModelDirectory(Path dir, GPTConfig config, Optional<Tokenizer> hubTokenizer) {
        this.dir = dir;
        this.config = config;
        this.hubTokenizer = hubTokenizer;
    }

    /**
     * A local model directory, or {@code hf:ORG/NAME[@REVISION]}: a Hugging Face Hub repository,
     * whose config.json and model.safetensors are downloaded (a progress bar on the command's
     * standard error) into the cache shared with Python's huggingface_hub, with the environment
     * variables it reads (HF_ENDPOINT, HF_HUB_CACHE, HF_HOME, HF_HUB_OFFLINE, HF_TOKEN).
     */
    static ModelDirectory open(Path given, CommandSpec spec) throws IOException {
        String text = given.toString();
        if (!text.startsWith(HUB_PREFIX)) {
            return open(given);
        }
        RepoRef ref = RepoRef.parse(text.substring(HUB_PREFIX.length()));
        HubSettings settings = HubSettings.fromEnvironment(Main.environment(spec),
                Path.of(System.getProperty("user.home")));
        ProgressBar bar = new ProgressBar(spec.commandLine().getErr());
        HuggingFaceHub hub = new HuggingFaceHub(settings).withProgress(bar::update);
        HubRepository repo = hub.repository(ref);
        try {
            Path snapshot = PretrainedGpt2.download(repo);
            ModelDirectory opened = open(snapshot);
            Optional<Tokenizer> tokenizer;
            try {
                tokenizer = Optional.of(Tokenizer.fromPretrained(repo));   // small files: fetched with the model
            } catch (NoSuchFileException noTokenizer) {
                tokenizer = Optional.empty();
            }
            return new ModelDirectory(opened.dir, opened.config, tokenizer);
        } finally {
            bar.finishLine();
        }
    }

    /**
     * Reads the configuration of {@code dir}.
     *
     * @throws NoSuchFileException if the directory, its config.json or its model.safetensors is missing
     * @throws IOException if config.json is malformed
     */
    static ModelDirectory open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "model directory not found");
        }
        GPTConfig config = HuggingFaceGpt2.readConfig(dir.resolve(HuggingFaceGpt2.CONFIG_FILE));
        Path weights = dir.resolve(HuggingFaceGpt2.WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new NoSuchFileException(weights.toString(), null,
                    "model directory has no " + HuggingFaceGpt2.WEIGHTS_FILE);
        }
        HuggingFaceGpt2.checkWeights(dir, config);
        return new ModelDirectory(dir, config, null);
    }

    Path path() {
        return dir;
    }

    GPTConfig config() {
        return config;
    }

    /** The model for evaluation and generation. */
    GPT load() throws IOException {
        return GPT.load(dir);
    }

    /** The model for further training with the given dropout probability: {@link GPT#load(Path, double, long)}. */
    GPT loadForTraining(double dropout, long seed) throws IOException {
        return GPT.load(dir, dropout, seed);
    }

    /** The tokenizer saved with the model, if there is one (for a Hub repository: fetched from it). */
    Optional<Tokenizer> tokenizer() throws IOException {
        return hubTokenizer != null ? hubTokenizer : Tokenizer.loadIfPresent(dir);
    }

    /** Fails if a context length given with {@code flag} exceeds the model's n_positions. */
    void checkContext(String flag, int context) {
        if (context > config.contextLength()) {
            throw new IllegalArgumentException(flag + " " + context + " is longer than the model's n_positions "
                    + config.contextLength() + " (" + dir.resolve(HuggingFaceGpt2.CONFIG_FILE) + ")");
        }
    }

    /** Fails if a tokenizer has ids the model cannot embed. */
    void checkTokenizer(Tokenizer tokenizer, String origin) {
        if (tokenizer.vocabSize() > config.vocabSize()) {
            throw new IllegalArgumentException("the tokenizer in " + origin + " has " + tokenizer.vocabSize()
                    + " tokens but the model in " + dir + " has a vocabulary of " + config.vocabSize());
        }
    }
}
