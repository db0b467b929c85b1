package org.decoder4j.data.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Turns text into token ids and back. A tokenizer is saved as {@value #FILE_NAME} next to the
 * model or the token files it belongs to, and {@link #load(Path)} restores whichever kind it is
 * from the file's {@code "type"} field. The kinds: {@link CharTokenizer} (one token per
 * character), {@link Gpt2Tokenizer} (GPT-2's byte-level BPE, ids identical to tiktoken's
 * {@code gpt2} encoding) and {@link BpeTokenizer} (a byte-level BPE read from a Hugging Face
 * {@code vocab.json} + {@code merges.txt} pair, or trained by {@link BpeTrainer}).
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

    /**
     * The text of GPT-2's end-of-text token, the separator between documents ({@code 50256} in
     * {@link Gpt2Tokenizer}); {@code String eot = Tokenizer.END_OF_TEXT;}.
     */
    String END_OF_TEXT = "<|endoftext|>";

    /** The file name a tokenizer is saved under inside a model or data directory. */
    String FILE_NAME = "tokenizer.json";

    /**
     * The token ids of a text.
     *
     * @throws IllegalArgumentException if the text holds something this tokenizer cannot encode;
     *     the message names it and its index in the text
     * @param text the text to encode
     * @return one id per token, in order
     */
    int[] encode(String text);

    /**
     * Like {@link #encode(String)}, except that the text of a special token (such as
     * {@code "<|endoftext|>"}) becomes that token; {@link #encode(String)} treats it as plain text,
     * as tiktoken's {@code encode_ordinary} does.
     *
     * <pre>{@code
     * Tokenizer gpt2 = Gpt2Tokenizer.standard();
     * gpt2.encodeWithSpecialTokens("a<|endoftext|>b");   // [64, 50256, 65]
     * gpt2.encode("a<|endoftext|>b");                    // [64, 27, 91, 437, 1659, 5239, 91, 29, 65]
     * }</pre>
     *
     * @param text the text to encode, special tokens included
     * @return one id per token, in order
     */
    default int[] encodeWithSpecialTokens(String text) {
        return encode(text);
    }

    /**
     * The special tokens by their text (for GPT-2: {@code "<|endoftext|>"} → 50256); empty if none.
     *
     * @return the special tokens' ids by their text
     */
    default Map<String, Integer> specialTokens() {
        return Map.of();
    }

    /**
     * The text of a sequence of token ids.
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocabSize())}, naming it and its index
     * @param tokens ids in {@code [0, vocabSize())}
     * @return the decoded text
     */
    String decode(int[] tokens);

    /**
     * Number of distinct token ids: every id is in {@code [0, vocabSize())}.
     *
     * @return the vocabulary size
     */
    int vocabSize();

    /**
     * The kind of tokenizer, as written in the {@code "type"} field of its file (e.g. {@code "char"}).
     *
     * @return the tokenizer's type name
     */
    String name();

    /**
     * Writes {@value #FILE_NAME} into {@code dir} (created if missing), atomically.
     *
     * @param dir the directory to write into
     * @throws IOException if the file cannot be written
     */
    void save(Path dir) throws IOException;

    /**
     * Reads the {@value #FILE_NAME} in {@code dir}; a directory with a Hugging Face
     * {@code vocab.json} + {@code merges.txt} pair (a downloaded GPT-2 model) gives the
     * {@link BpeTokenizer} of that pair, whether or not Hugging Face's own {@value #FILE_NAME}
     * (the {@code tokenizers} library's format) lies beside it.
     *
     * @throws NoSuchFileException if the directory has neither
     * @throws IOException if a file is malformed or of an unknown type; the message names the file
     * @param dir a model or data directory
     * @return the tokenizer described there
     */
    static Tokenizer load(Path dir) throws IOException {
        return loadIfPresent(dir).orElseThrow(() -> new NoSuchFileException(dir.resolve(FILE_NAME).toString(), null,
                "no tokenizer file (nor a " + BpeTokenizer.VOCAB_FILE + " + " + BpeTokenizer.MERGES_FILE + " pair)"));
    }

    /**
     * The tokenizer of a Hugging Face Hub repository ({@code ORG/NAME} or {@code ORG/NAME@REVISION}),
     * downloaded into the cache shared with Python's {@code huggingface_hub} (see
     * {@link org.decoder4j.hub.HubSettings} for the environment variables it honours): the
     * repository's {@code vocab.json} + {@code merges.txt}, or its {@code tokenizer.json} where
     * that is all there is.
     *
     * <pre>{@code
     * Tokenizer gpt2 = Tokenizer.fromPretrained("openai-community/gpt2");
     * gpt2.encode("Hello world");                      // [15496, 995]
     * }</pre>
     *
     * @param repository {@code ORG/NAME} or {@code ORG/NAME@REVISION}; the revision defaults to {@code main}
     * @return the repository's tokenizer
     * @throws IOException if the files cannot be fetched (offline: are not cached), naming them
     */
    static Tokenizer fromPretrained(String repository) throws IOException {
        return fromPretrained(repository, org.decoder4j.hub.HuggingFaceHub.fromEnvironment());
    }

    /**
     * Like {@link #fromPretrained(String)}, from the given Hub and cache.
     *
     * @param repository {@code ORG/NAME} or {@code ORG/NAME@REVISION}; the revision defaults to {@code main}
     * @param hub the Hub to download from and the cache to keep the files in
     * @return the repository's tokenizer
     * @throws IOException if the files cannot be fetched (offline: are not cached), naming them
     */
    static Tokenizer fromPretrained(String repository, org.decoder4j.hub.HuggingFaceHub hub) throws IOException {
        return fromPretrained(hub.repository(org.decoder4j.hub.RepoRef.parse(repository)));
    }

    /**
     * Like {@link #fromPretrained(String)}, from a repository already opened (at the commit it fixed).
     *
     * @param repository the repository to fetch the tokenizer files from
     * @return the repository's tokenizer
     * @throws IOException if the files cannot be fetched (offline: are not cached), naming them
     */
    static Tokenizer fromPretrained(org.decoder4j.hub.HubRepository repository) throws IOException {
        return PretrainedTokenizer.fetch(repository);
    }

    /**
     * Like {@link #load(Path)}, but empty when the directory has no tokenizer (for callers that
     * fall back to a default tokenizer).
     *
     * @param dir a model or data directory
     * @return the tokenizer described there, or empty
     * @throws IOException if a tokenizer file is there but cannot be read or is malformed
     */
    static Optional<Tokenizer> loadIfPresent(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return Optional.of(TokenizerFile.read(file));
        }
        if (Files.exists(dir.resolve(BpeTokenizer.VOCAB_FILE)) && Files.exists(dir.resolve(BpeTokenizer.MERGES_FILE))) {
            return Optional.of(BpeTokenizer.load(dir));
        }
        return Optional.empty();
    }
}
