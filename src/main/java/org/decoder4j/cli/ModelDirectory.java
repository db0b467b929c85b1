package org.decoder4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.nn.HuggingFaceGpt2;

/**
 * A model directory given on the command line: its {@code config.json} is read (and the weights
 * file checked for) when it is opened, so that flags can be checked against the model's shape
 * before any weights are loaded or anything is written.
 */
final class ModelDirectory {

    private final Path dir;
    private final GPTConfig config;

    private ModelDirectory(Path dir, GPTConfig config) {
        this.dir = dir;
        this.config = config;
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
        return new ModelDirectory(dir, config);
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

    /** The tokenizer saved with the model, if there is one. */
    Optional<Tokenizer> tokenizer() throws IOException {
        return Tokenizer.loadIfPresent(dir);
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
