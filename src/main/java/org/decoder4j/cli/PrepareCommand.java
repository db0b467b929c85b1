package org.decoder4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.decoder4j.data.corpus.CorpusPreparation;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokens.TokenFileFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code decoder4j prepare}: a text file into train.bin, val.bin and the tokenizer's files. */
@Command(name = "prepare",
        header = "Prepare a text file as training data.",
        mixinStandardHelpOptions = true,
        description = {
            "Turns a text file into training data as nanoGPT's prepare.py scripts do: the first 90%% of the "
                    + "characters are encoded into DIR/train.bin and the rest into DIR/val.bin, the tokenizer is "
                    + "saved in DIR/tokenizer.json (a trained BPE also in DIR/vocab.json and DIR/merges.txt). "
                    + "Token files are raw little-endian uint16 when the vocabulary fits, else uint32 with a "
                    + "16-byte header. The text is streamed, so files of any size are prepared in bounded memory.",
            "With --tokenizer char the result is byte for byte nanoGPT's shakespeare_char, with gpt2 its "
                    + "shakespeare (tiktoken's GPT-2 ids, encode_ordinary)."
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
            description = "char (one token per character, fitted to the text), gpt2 (GPT-2's BPE, 50257 tokens), "
                    + "or bpe:SIZE (a byte-level BPE of SIZE tokens trained on the training split, e.g. bpe:4096). "
                    + "Default: ${DEFAULT-VALUE}.")
    String tokenizer;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "auto",
            description = "Token file format: auto (uint16 when the vocabulary fits, else uint32), uint16 or uint32. "
                    + "Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--doc-separator", paramLabel = "TEXT",
            description = "The input is documents separated by TEXT (\\n, \\t and \\\\ are a line break, a tab and a "
                    + "backslash): each is encoded on its own, <|endoftext|> goes between them, and the split falls "
                    + "between documents. Needs gpt2 or bpe:SIZE.")
    String docSeparator;

    @Option(names = "--jsonl-field", paramLabel = "NAME",
            description = "The input is JSON lines, one document per line in the string field NAME; documents are "
                    + "handled as with --doc-separator.")
    String jsonlField;

    @Option(names = "--progress", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show a progress bar on standard error when it is a terminal (--no-progress: never).")
    boolean progress;

    @Override
    public Integer call() throws Exception {
        CorpusPreparation preparation = preparation();
        if (!format.equals("auto")) {
            preparation = preparation.format(tokenFormat());
        }
        if (docSeparator != null && jsonlField != null) {
            throw Flags.usage(spec, "--doc-separator and --jsonl-field exclude each other");
        }
        try {
            if (docSeparator != null) {
                preparation = preparation.documentSeparator(unescape(docSeparator));
            } else if (jsonlField != null) {
                preparation = preparation.jsonLinesField(jsonlField);
            }
        } catch (IllegalArgumentException e) {
            throw Flags.usage(spec, (docSeparator != null ? "--doc-separator" : "--jsonl-field") + ": " + e.getMessage());
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        }
        Path text = ShakespeareCorpus.standard().locate(input);
        ProgressBar bar = progress && System.console() != null ? new ProgressBar(spec.commandLine().getErr()) : null;
        if (bar != null) {
            preparation = preparation.progress(bar);
        }
        PreparedCorpus c;
        try {
            c = preparation.prepare(text, out);
        } finally {
            if (bar != null) {
                bar.finishLine();
            }
        }
        TokenFileFormat written = TokenDataset.open(c.trainFile()).format();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s: %d characters, %s tokenizer, vocabulary %d%n", text, c.characters(),
                tokenizer, c.vocabSize());
        o.printf(Locale.ROOT, "train      %d tokens  %s (%s)%n", c.trainTokens(), c.trainFile(), written);
        o.printf(Locale.ROOT, "val        %d tokens  %s (%s)%n", c.valTokens(), c.valFile(), written);
        o.printf("tokenizer  %s%n", c.tokenizerFile());
        o.flush();
        return 0;
    }

    private CorpusPreparation preparation() {
        if (tokenizer.equals("char")) {
            return CorpusPreparation.characters();
        }
        if (tokenizer.equals("gpt2")) {
            return CorpusPreparation.with(Gpt2Tokenizer.standard());
        }
        if (tokenizer.equals("bpe")) {
            throw Flags.usage(spec, "--tokenizer bpe needs a vocabulary size: bpe:SIZE, e.g. bpe:4096");
        }
        if (tokenizer.startsWith("bpe:")) {
            int size;
            try {
                size = Integer.parseInt(tokenizer.substring(4));
            } catch (NumberFormatException e) {
                throw Flags.usage(spec, "--tokenizer " + tokenizer + ": the vocabulary size must be a whole number");
            }
            if (size < 257) {
                throw Flags.usage(spec, "--tokenizer " + tokenizer + ": a byte-level BPE needs at least 257 tokens "
                        + "(256 bytes and <|endoftext|>)");
            }
            return CorpusPreparation.trainingBpe(size);
        }
        throw Flags.usage(spec, "unknown --tokenizer '" + tokenizer + "' (available: char, gpt2, bpe:SIZE)");
    }

    /** {@code \n}, {@code \t} and {@code \\} in a flag value as a line break, a tab and a backslash. */
    private String unescape(String value) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = i + 1 < value.length() ? value.charAt(++i) : ' ';
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '\\' -> out.append('\\');
                default -> throw Flags.usage(spec, "--doc-separator '" + value + "': only \\n, \\t and \\\\ are escapes");
            }
        }
        return out.toString();
    }

    private TokenFileFormat tokenFormat() {
        return switch (format) {
            case "uint16" -> TokenFileFormat.UINT16;
            case "uint32" -> TokenFileFormat.UINT32;
            default -> throw Flags.usage(spec, "unknown --format '" + format + "' (available: auto, uint16, uint32)");
        };
    }
}
