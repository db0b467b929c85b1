package org.decoder4j.data;

import java.io.IOException;
import java.nio.file.Path;
import org.decoder4j.io.AtomicWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a text file into character-level training data, byte for byte as nanoGPT's
 * {@code data/shakespeare_char/prepare.py}: the vocabulary is the sorted set of the text's
 * characters, the first {@code floor(0.9·n)} characters are the training split and the rest the
 * validation split, each written as raw little-endian uint16 ids ({@code train.bin},
 * {@code val.bin}), with the vocabulary in {@code tokenizer.json}.
 *
 * <pre>{@code
 * PreparedCorpus c = CharCorpusPreparation.prepare(Path.of("input.txt"), Path.of("data"));
 * c.vocabSize();      // 65 for Tiny Shakespeare
 * c.trainTokens();    // 1_003_854
 * c.valTokens();      // 111_540
 * }</pre>
 *
 * <p>The text is read as Python reads it (UTF-8, universal newlines), and a character is a code
 * point. All three files are written under temporary names and renamed only when all are
 * complete, so a failure leaves no partial output.
 */
public final class CharCorpusPreparation {

    static final String TRAIN_FILE = "train.bin";
    static final String VAL_FILE = "val.bin";

    /** Largest vocabulary whose ids (0..65535) fit in uint16. */
    static final int MAX_VOCAB = 1 << 16;

    private static final Logger LOG = LoggerFactory.getLogger(CharCorpusPreparation.class);

    private CharCorpusPreparation() {
    }

    /**
     * Prepares {@code inputText} into {@code outputDir} (created if missing).
     *
     * @throws java.nio.file.NoSuchFileException if the input does not exist
     * @throws IOException if the input is not UTF-8, is empty, is too short to split, or has more
     *     distinct characters than uint16 ids can hold; nothing is written then
     */
    public static PreparedCorpus prepare(Path inputText, Path outputDir) throws IOException {
        String text = PythonTextFile.read(inputText);
        if (text.isEmpty()) {
            throw new IOException(inputText + " is empty; there is nothing to train on");
        }
        CharTokenizer tokenizer;
        try {
            tokenizer = CharTokenizer.fit(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(inputText + ": " + e.getMessage(), e);
        }
        if (tokenizer.vocabSize() > MAX_VOCAB) {
            throw new IOException(inputText + " has " + tokenizer.vocabSize() + " distinct characters; "
                    + "uint16 token files hold at most " + MAX_VOCAB);
        }
        int[] tokens = tokenizer.encode(text);
        int n = tokens.length;
        int split = (int) (n * 0.9);                                   // Python's int(n*0.9)
        if (split == 0 || split == n) {
            throw new IOException(inputText + " has " + n + " character(s), too few for a 90/10 train/val split");
        }
        try (AtomicWrite train = AtomicWrite.to(outputDir.resolve(TRAIN_FILE));
             AtomicWrite val = AtomicWrite.to(outputDir.resolve(VAL_FILE));
             AtomicWrite vocab = AtomicWrite.to(outputDir.resolve(Tokenizer.FILE_NAME))) {
            TokenFileWriter.write(tokens, 0, split, train.channel());
            TokenFileWriter.write(tokens, split, n, val.channel());
            vocab.stream().write(tokenizer.toJson());
            train.commit();
            val.commit();
            vocab.commit();
        }
        PreparedCorpus prepared = new PreparedCorpus(outputDir, tokenizer.vocabSize(), n, split, n - split);
        LOG.info("prepared {}: {} characters, vocabulary {}, train {} tokens, val {} tokens in {}",
                inputText, n, prepared.vocabSize(), prepared.trainTokens(), prepared.valTokens(), outputDir);
        return prepared;
    }
}
