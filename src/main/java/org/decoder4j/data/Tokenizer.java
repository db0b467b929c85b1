package org.decoder4j.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns text into token ids and back. A tokenizer is saved as {@value #FILE_NAME} next to the
 * model or the token files it belongs to, and {@link #load(Path)} restores whichever kind it is
 * from the file's {@code "type"} field.
 *
 * <pre>{@code
 * Tokenizer tok = CharTokenizer.fit(text);
 * int[] ids = tok.encode("ROMEO:");
 * String back = tok.decode(ids);               // "ROMEO:"
 * tok.save(Path.of("out"));                    // out/tokenizer.json
 * Tokenizer same = Tokenizer.load(Path.of("out"));
 * }</pre>
 */
public interface Tokenizer {

    /** The file name a tokenizer is saved under inside a model or data directory. */
    String FILE_NAME = "tokenizer.json";

    /**
     * The token ids of a text.
     *
     * @throws IllegalArgumentException if the text holds something this tokenizer cannot encode;
     *     the message names it and its index in the text
     */
    int[] encode(String text);

    /**
     * The text of a sequence of token ids.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocabSize())}, naming it and its index
     */
    String decode(int[] tokens);

    /** Number of distinct token ids: every id is in {@code [0, vocabSize())}. */
    int vocabSize();

    /** The kind of tokenizer, as written in the {@code "type"} field of its file (e.g. {@code "char"}). */
    String name();

    /** Writes {@value #FILE_NAME} into {@code dir} (created if missing), atomically. */
    void save(Path dir) throws IOException;

    /**
     * Reads the {@value #FILE_NAME} in {@code dir}.
     *
     * @throws NoSuchFileException if the directory has no tokenizer file
     * @throws IOException if the file is malformed or of an unknown type; the message names the file
     */
    static Tokenizer load(Path dir) throws IOException {
        return TokenizerFile.read(dir.resolve(FILE_NAME));
    }

    /**
     * Like {@link #load(Path)}, but empty when the directory has no tokenizer file (for callers that
     * fall back to a default tokenizer).
     */
    static Optional<Tokenizer> loadIfPresent(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        return Files.exists(file) ? Optional.of(TokenizerFile.read(file)) : Optional.empty();
    }
}
