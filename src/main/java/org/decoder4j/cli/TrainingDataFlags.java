package org.decoder4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.CharCorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.io.DirectoryTree;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the training tokens come from: {@code --data} (prepared), {@code --val}, or
 * {@code --input} (a text prepared on the fly, Tiny Shakespeare by default).
 */
final class TrainingDataFlags {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

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

    /** Checks that --data, --input and --val go together. */
    void check() {
        if (data != null && input != null) {
            throw Flags.usage(spec, "--input and --data exclude each other: --input is a text to prepare, "
                    + "--data is already prepared");
        }
        if (data == null && val != null) {
            throw Flags.usage(spec, "--val needs --data (without --data the validation split is prepared "
                    + "with the training data)");
        }
    }

    /** A resumed run without --data or --input trains on the data its first run prepared in OUT/data. */
    void reusePrepared(Path out) {
        if (data == null && input == null && Files.isRegularFile(out.resolve("data/train.bin"))) {
            data = out.resolve("data");
        }
    }

    /**
     * Opens the tokens. Without --data the text is prepared in a temporary directory first, which
     * {@link TrainingData#moveStagedInto} moves to OUT/data once every check has passed.
     */
    TrainingData load() throws IOException {
        if (data == null) {
            Path text = ShakespeareCorpus.standard().locate(input);
            Path staging = Files.createTempDirectory("decoder4j-data");
            try {
                PreparedCorpus prepared = CharCorpusPreparation.prepare(text, staging);
                return new TrainingData(TokenDataset.open(prepared.trainFile()), TokenDataset.open(prepared.valFile()),
                        Tokenizer.load(staging), prepared);
            } catch (IOException | RuntimeException e) {
                DirectoryTree.delete(staging);
                throw e;
            }
        }
        if (Files.isDirectory(data)) {
            Path valFile = val != null ? val : data.resolve("val.bin");
            return new TrainingData(TokenDataset.open(data.resolve("train.bin")),
                    val != null || Files.exists(valFile) ? TokenDataset.open(valFile) : null,
                    Tokenizer.loadIfPresent(data).orElse(null), null);
        }
        Path beside = data.toAbsolutePath().getParent();
        return new TrainingData(TokenDataset.open(data), val == null ? null : TokenDataset.open(val),
                beside == null ? null : Tokenizer.loadIfPresent(beside).orElse(null), null);
    }
}
