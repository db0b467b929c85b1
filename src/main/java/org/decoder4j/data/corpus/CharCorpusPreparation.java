package org.decoder4j.data.corpus;

import java.io.IOException;
import java.nio.file.Path;
import org.decoder4j.data.tokens.TokenFileFormat;

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
 * complete, so a failure leaves no partial output. This is
 * {@code CorpusPreparation.characters().format(TokenFileFormat.UINT16)}; see
 * {@link CorpusPreparation} for other tokenizers.
 */
public final class CharCorpusPreparation {

    private CharCorpusPreparation() {
    }

    /**
     * Prepares {@code inputText} into {@code outputDir} (created if missing).
     *
     * @throws java.nio.file.NoSuchFileException if the input does not exist
     * @throws IOException if the input is not UTF-8, is empty, is too short to split, or has more
     *     distinct characters than uint16 ids can hold; nothing is written then
     * @param inputText a UTF-8 text file
     * @param outputDir where train.bin, val.bin and tokenizer.json are written
     * @return the prepared files and their sizes
     */
    public static PreparedCorpus prepare(Path inputText, Path outputDir) throws IOException {
        return CorpusPreparation.characters().format(TokenFileFormat.UINT16).prepare(inputText, outputDir);
    }
}
