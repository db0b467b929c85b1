package org.decoder4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.decoder4j.data.CharCorpusPreparation;
import org.decoder4j.data.PreparedCorpus;
import org.decoder4j.data.ShakespeareCorpus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code decoder4j prepare}: a text file into train.bin, val.bin and tokenizer.json. */
@Command(name = "prepare",
        header = "Prepare a text file as character-level training data.",
        mixinStandardHelpOptions = true,
        description = {
            "Turns a text file into training data, byte for byte as nanoGPT's shakespeare_char/prepare.py: "
                    + "the vocabulary is the sorted set of the file's characters, the first 90%% of the characters "
                    + "are written to DIR/train.bin and the rest to DIR/val.bin (raw little-endian uint16 ids), "
                    + "the vocabulary to DIR/tokenizer.json."
        })
final class PrepareCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--input", paramLabel = "FILE",
            description = "UTF-8 text file (default: Tiny Shakespeare, downloaded once into ~/.cache/decoder4j).")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--tokenizer", paramLabel = "KIND", defaultValue = "char",
            description = "Tokenizer to fit; 'char' (one token per character) is the one there is.")
    String tokenizer;

    @Override
    public Integer call() throws Exception {
        if (!tokenizer.equals("char")) {
            throw Flags.usage(spec, "unknown --tokenizer '" + tokenizer + "' (available: char)");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        }
        Path text = ShakespeareCorpus.standard().locate(input);
        PreparedCorpus c = CharCorpusPreparation.prepare(text, out);
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s: %d characters, vocabulary %d%n", text, c.characters(), c.vocabSize());
        o.printf(Locale.ROOT, "train      %d tokens  %s%n", c.trainTokens(), c.trainFile());
        o.printf(Locale.ROOT, "val        %d tokens  %s%n", c.valTokens(), c.valFile());
        o.printf("tokenizer  %s%n", c.tokenizerFile());
        o.flush();
        return 0;
    }
}
