package org.decoder4j.data.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a {@code tokenizer.json}, dispatching on its {@code "type"} field. A new kind of tokenizer
 * is supported by adding its reader to {@link #READERS}.
 */
final class TokenizerFile {

    /**
     * Builds a tokenizer from the parsed file and the directory it is in (where a tokenizer may keep
     * further files); throws IllegalArgumentException for bad content.
     */
    interface Reader {
        Tokenizer read(JsonNode root, Path dir) throws IOException;
    }

    static final ObjectMapper JSON = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)   // one value per file or line
            .build();

    private static final Map<String, Reader> READERS = Map.of(
            CharTokenizer.TYPE, (root, dir) -> CharTokenizer.fromJson(root),
            Gpt2Tokenizer.TYPE, (root, dir) -> Gpt2Tokenizer.standard(),
            BpeTokenizer.TYPE, BpeTokenizer::fromJson);

    private TokenizerFile() {
    }

    static Tokenizer read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no tokenizer file");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": a tokenizer file must hold a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null && root.path("model").isObject()) {
            return readHuggingFaceDirectory(file);
        }
        if (type == null || !type.isTextual()) {
            throw new IOException(file + ": missing string field \"type\" (one of " + new java.util.TreeSet<>(READERS.keySet()) + ")");
        }
        Reader reader = READERS.get(type.textValue());
        if (reader == null) {
            throw new IOException(file + ": unknown tokenizer type \"" + type.textValue() + "\" (known: "
                    + new java.util.TreeSet<>(READERS.keySet()) + ")");
        }
        try {
            return reader.read(root, file.toAbsolutePath().getParent());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A Hugging Face {@code tokenizers} file (no {@code "type"}, a {@code "model"} object), as a
     * downloaded GPT-2 directory holds beside its {@code vocab.json} + {@code merges.txt}: the
     * tokenizer is read from that pair, which carries the same vocabulary and merges; without the
     * pair, from the file's own byte-level BPE.
     */
    private static Tokenizer readHuggingFaceDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        boolean vocab = Files.exists(dir.resolve(BpeTokenizer.VOCAB_FILE));
        boolean merges = Files.exists(dir.resolve(BpeTokenizer.MERGES_FILE));
        if (vocab && merges) {
            return BpeTokenizer.load(dir);
        }
        if (vocab || merges) {
            throw new IOException(file + ": a Hugging Face tokenizers file beside half of the "
                    + BpeTokenizer.VOCAB_FILE + " + " + BpeTokenizer.MERGES_FILE + " pair; " + dir.getFileName()
                    + " has no " + (vocab ? BpeTokenizer.MERGES_FILE : BpeTokenizer.VOCAB_FILE));
        }
        return HuggingFaceTokenizerFile.read(file);
    }
}
