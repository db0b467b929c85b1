package org.decoder4j.nn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.decoder4j.hub.HubRepository;
import org.decoder4j.hub.HuggingFaceHub;
import org.decoder4j.hub.RepoRef;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A GPT-2 from a Hugging Face Hub repository: its {@code config.json} first (a {@code model_type}
 * other than {@code gpt2} is refused, and the model's size is checked against this machine's
 * memory), then its {@code model.safetensors}, into the cache shared with Python's
 * {@code huggingface_hub}. Weights are read from safetensors only: a repository that offers only
 * a pickled {@code pytorch_model.bin} is refused with the way to convert it.
 *
 * <pre>{@code
 * Path dir = PretrainedGpt2.download(hub.repository(RepoRef.parse("openai-community/gpt2")));
 * GPT model = PretrainedGpt2.load("openai-community/gpt2", HuggingFaceHub.fromEnvironment());
 * }</pre>
 */
public final class PretrainedGpt2 {

    /** The pickled weights file that is refused. */
    static final String PICKLE_FILE = "pytorch_model.bin";
    static final String SHARDED_INDEX = "model.safetensors.index.json";

    private PretrainedGpt2() {
    }

    /**
     * Loads {@code repository} ({@code ORG/NAME[@REVISION]}) from {@code hub} as float32.
     *
     * @param repository {@code ORG/NAME} or {@code ORG/NAME@REVISION}; the revision defaults to {@code main}
     * @param hub the Hub to download from and the cache to keep the files in
     * @return the model with the repository's weights
     * @throws IOException if the config is not GPT-2's, the model cannot fit in memory, the
     *                     repository has no safetensors weights, or a file cannot be fetched or read
     */
    public static GPT load(String repository, HuggingFaceHub hub) throws IOException {
        return HuggingFaceGpt2.load(download(hub.repository(RepoRef.parse(repository))), DataType.FLOAT);
    }

    /**
     * Fetches {@code config.json} and {@code model.safetensors} and returns the snapshot folder
     * that holds them, a model directory as {@link HuggingFaceGpt2#load(Path)} reads it.
     *
     * @param repo the repository to fetch from, at its revision
     * @return the snapshot folder holding {@code config.json} and {@code model.safetensors}
     * @throws IOException if the config is not GPT-2's, the model cannot fit in memory, the
     *                     repository has no safetensors weights, or a file cannot be fetched
     */
    public static Path download(HubRepository repo) throws IOException {
        Path configFile = repo.file(HuggingFaceGpt2.CONFIG_FILE);
        String origin = repo.ref() + " " + HuggingFaceGpt2.CONFIG_FILE;
        GPTConfig config;
        try {
            config = HuggingFaceGpt2.readConfig(configFile);
        } catch (IOException e) {
            throw new IOException(repo.ref() + ": " + e.getMessage(), e);
        }
        ModelMemory.check(config, 4, 1, origin);
        if (!repo.cacheOnly() && !repo.exists(HuggingFaceGpt2.WEIGHTS_FILE)) {
            throw noSafetensors(repo);
        }
        Optional<Long> size = repo.size(HuggingFaceGpt2.WEIGHTS_FILE);
        double least = 2.0 * ModelMemory.parameterCount(config);          // half precision, the smallest stored
        if (size.isPresent() && size.get() >= 0 && size.get() < least) {
            throw new IOException(String.format(java.util.Locale.ROOT, "%s: %s is %d bytes, too small for the "
                    + "%.0f weights that %s describes (at least %.0f bytes in 16-bit floats); not downloaded",
                    repo.ref(), HuggingFaceGpt2.WEIGHTS_FILE, size.get(), least / 2, origin, least));
        }
        Path weights = repo.file(HuggingFaceGpt2.WEIGHTS_FILE);
        Path dir = weights.getParent();
        if (!Files.isSameFile(dir.resolve(HuggingFaceGpt2.CONFIG_FILE), configFile)) {
            throw new IllegalStateException(repo.ref() + ": config.json and model.safetensors lie in different snapshots");
        }
        return dir;
    }

    private static IOException noSafetensors(HubRepository repo) throws IOException {
        if (repo.exists(SHARDED_INDEX)) {
            return new IOException(repo.ref() + " holds its weights in several safetensors files ("
                    + SHARDED_INDEX + "); decoder4j reads one " + HuggingFaceGpt2.WEIGHTS_FILE + " (GPT-2 models up "
                    + "to GPT-2 XL fit one file)");
        }
        if (repo.exists(PICKLE_FILE)) {
            return new IOException(repo.ref() + " offers its weights only as " + PICKLE_FILE + ", a Python pickle, "
                    + "which decoder4j does not load because unpickling can run arbitrary code. Convert it to "
                    + "safetensors where you trust it, e.g. with transformers: GPT2LMHeadModel.from_pretrained(\""
                    + repo.ref().repoId() + "\").save_pretrained(\"DIR\", safe_serialization=True), then give DIR "
                    + "(or open a pull request with the converted file on the Hub)");
        }
        return new IOException(repo.ref() + " has no " + HuggingFaceGpt2.WEIGHTS_FILE + " (nor " + PICKLE_FILE
                + "): it does not look like a model repository");
    }
}
