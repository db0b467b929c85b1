package org.decoder4j.data.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.decoder4j.io.AtomicWrite;

/**
 * A byte-level BPE in the format of Hugging Face's GPT-2 tokenizer: {@code vocab.json} maps each
 * token (its bytes written in {@link ByteLevelAlphabet GPT-2's byte alphabet}) to its id,
 * {@code merges.txt} lists the merges in priority order. Text is cut into pieces by GPT-2's
 * regular expression ({@link Gpt2PreTokenizer}); each piece's UTF-8 bytes start as one token each,
 * and the adjacent pair that comes first in the merge list is merged until no listed pair is left.
 *
 * <pre>{@code
 * BpeTokenizer gpt2 = BpeTokenizer.load(Path.of("gpt2"));      // a GPT-2 model directory
 * int[] ids = gpt2.encode("Hello world");                      // [15496, 995], as tiktoken
 * BpeTokenizer mine = BpeTrainer.vocabularySize(4096).train(text);
 * mine.save(Path.of("data"));            // data/vocab.json, data/merges.txt, data/tokenizer.json
 * }</pre>
 *
 * <p>Vocabulary entries of the form {@code <|...|>} are special tokens: merges never make them,
 * {@link #encodeWithSpecialTokens(String)} recognises them. Undecodable bytes at the end of a
 * partial sequence decode to U+FFFD, as tiktoken does. Instances are immutable (but for an
 * internal cache of encoded pieces) and safe to share between threads.
 */
public final class BpeTokenizer extends ByteLevelTokenizer {

    static final String TYPE = "bpe";

    /** The token → id map of a Hugging Face byte-level BPE. */
    public static final String VOCAB_FILE = "vocab.json";

    /** The merge list of a Hugging Face byte-level BPE. */
    public static final String MERGES_FILE = "merges.txt";

    private static final Pattern SPECIAL = Pattern.compile("<\\|[^|]+\\|>");
    private static final int CACHE_LIMIT = 1 << 16;

    /** Bytes of each id; for a special token, the UTF-8 of its text. */
    private final byte[][] tokenBytes;
    /** Id of each single byte. */
    private final int[] idOfByte = new int[256];
    /** Merges in priority order: left id, right id, merged id. */
    private final int[][] merges;
    /** (left, right) → rank << 32 | merged id. */
    private final Map<Long, Long> mergeOfPair;
    private final Map<String, int[]> pieceCache = new ConcurrentHashMap<>();

    /**
     * @param tokenBytes bytes of each id (null for special ids)
     * @param merges pairs of ids in priority order
     * @param specials special tokens and their ids
     */
    BpeTokenizer(byte[][] tokenBytes, List<int[]> merges, Map<String, Integer> specials) {
        super(specials);
        this.tokenBytes = tokenBytes.clone();
        for (Map.Entry<String, Integer> e : specials.entrySet()) {
            int id = e.getValue();
            if (id < 0 || id >= tokenBytes.length) {
                throw new IllegalArgumentException("special token " + e.getKey() + " has id " + id
                        + ", outside the vocabulary of " + tokenBytes.length);
            }
            this.tokenBytes[id] = e.getKey().getBytes(StandardCharsets.UTF_8);
        }
        Map<String, Integer> idOfBytes = new HashMap<>(2 * tokenBytes.length);
        Arrays.fill(idOfByte, -1);
        for (int id = 0; id < tokenBytes.length; id++) {
            if (this.tokenBytes[id] == null) {
                throw new IllegalArgumentException("no token has id " + id + " (the vocabulary has "
                        + tokenBytes.length + " ids, so every id below that needs a token)");
            }
            if (specials.containsValue(id)) {
                continue;
            }
            Integer before = idOfBytes.put(key(this.tokenBytes[id]), id);
            if (before != null) {
                throw new IllegalArgumentException("ids " + before + " and " + id + " are the same token \""
                        + ByteLevelAlphabet.encode(this.tokenBytes[id]) + "\"");
            }
            if (this.tokenBytes[id].length == 1) {
                idOfByte[this.tokenBytes[id][0] & 0xFF] = id;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (idOfByte[b] < 0) {
                throw new IllegalArgumentException(String.format(
                        "byte 0x%02X (\"%s\") has no token; a byte-level BPE needs all 256 bytes",
                        b, ByteLevelAlphabet.encode(new byte[] {(byte) b})));
            }
        }
        this.merges = new int[merges.size()][];
        this.mergeOfPair = new HashMap<>(2 * merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            int left = merges.get(rank)[0];
            int right = merges.get(rank)[1];
            byte[] joined = concat(this.tokenBytes[left], this.tokenBytes[right]);
            Integer merged = idOfBytes.get(key(joined));
            if (merged == null) {
                throw new IllegalArgumentException("merge " + (rank + 1) + " (\"" + ByteLevelAlphabet.encode(
                        this.tokenBytes[left]) + " " + ByteLevelAlphabet.encode(this.tokenBytes[right])
                        + "\") makes \"" + ByteLevelAlphabet.encode(joined) + "\", which is not in the vocabulary");
            }
            this.merges[rank] = new int[] {left, right, merged};
            mergeOfPair.putIfAbsent(pair(left, right), ((long) rank << 32) | merged);
        }
    }

    /**
     * Reads {@value #VOCAB_FILE} and {@value #MERGES_FILE} from {@code dir}, as found in a Hugging
     * Face GPT-2 model directory or written by {@link #save(Path)}.
     *
     * @throws NoSuchFileException if either file is missing
     * @throws IOException if a file is malformed; the message names the file and the entry or line
     * @param dir the directory holding both files
     * @return the tokenizer
     */
    public static BpeTokenizer load(Path dir) throws IOException {
        return load(dir.resolve(VOCAB_FILE), dir.resolve(MERGES_FILE));
    }

    /**
     * Like {@link #load(Path)}, with the two files named.
     *
     * @param vocabFile the {@value #VOCAB_FILE} file
     * @param mergesFile the {@value #MERGES_FILE} file
     * @return the tokenizer
     * @throws IOException if a file is missing or malformed; the message names the file
     */
    public static BpeTokenizer load(Path vocabFile, Path mergesFile) throws IOException {
        Map<String, Integer> vocab = readVocab(vocabFile);
        List<int[]> merges = readMerges(mergesFile, vocab);
        return fromVocabulary(vocab, merges, vocabFile + " + " + mergesFile);
    }

    /**
     * The tokenizer of a token → id map (tokens in GPT-2's byte alphabet, {@code <|...|>} entries
     * special) and merges given as pairs of ids in priority order.
     *
     * @param origin names the source in error messages
     */
    static BpeTokenizer fromVocabulary(Map<String, Integer> vocab, List<int[]> merges, String origin)
            throws IOException {
        int size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1);
        }
        byte[][] tokenBytes = new byte[size][];
        Map<String, Integer> specials = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            String token = e.getKey();
            int id = e.getValue();
            byte[] bytes = ByteLevelAlphabet.decode(token);
            if (SPECIAL.matcher(token).matches() || bytes == null) {
                specials.put(token, id);
            } else {
                tokenBytes[id] = bytes;
            }
        }
        try {
            return new BpeTokenizer(tokenBytes, merges, specials);
        } catch (IllegalArgumentException e) {
            throw new IOException(origin + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, Integer> readVocab(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "BPE vocabulary file not found");
        }
        JsonNode root;
        try {
            root = TokenizerFile.JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new IOException(file + ": a BPE vocabulary must be a non-empty JSON object of token → id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        Map<Integer, String> tokenOfId = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 0) {
                throw new IOException(file + ": the id of \"" + e.getKey() + "\" must be an integer >= 0, found " + v);
            }
            String other = tokenOfId.put(v.intValue(), e.getKey());
            if (other != null) {
                throw new IOException(file + ": \"" + other + "\" and \"" + e.getKey() + "\" both have id " + v.intValue());
            }
            vocab.put(e.getKey(), v.intValue());
        }
        return vocab;
    }

    private static List<int[]> readMerges(Path file, Map<String, Integer> vocab) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "BPE merges file not found");
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<int[]> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(" ", -1);
            if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
                throw new IOException(file + " line " + (i + 1) + ": a merge is two tokens separated by one space, "
                        + "found \"" + line + "\"");
            }
            Integer left = vocab.get(parts[0]);
            Integer right = vocab.get(parts[1]);
            if (left == null || right == null) {
                throw new IOException(file + " line " + (i + 1) + ": token \"" + (left == null ? parts[0] : parts[1])
                        + "\" is not in " + VOCAB_FILE);
            }
            merges.add(new int[] {left, right});
        }
        return merges;
    }

    static BpeTokenizer fromJson(JsonNode root, Path dir) throws IOException {
        return load(dir);
    }

    @Override
    public int[] encode(String text) {
        IdBuffer out = new IdBuffer(text.length() / 3 + 16);
        Gpt2PreTokenizer.forEachPiece(text, piece -> out.add(encodePiece(piece)));
        return out.toArray();
    }

    /** The ids of one pre-tokenised piece. */
    int[] encodePiece(String piece) {
        int[] cached = pieceCache.get(piece);
        if (cached != null) {
            return cached;
        }
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = idOfByte[bytes[i] & 0xFF];
        }
        int n = ids.length;
        while (n > 1) {
            long best = Long.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < n; i++) {
                Long merge = mergeOfPair.get(pair(ids[i], ids[i + 1]));
                if (merge != null && merge < best) {
                    best = merge;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            ids[at] = (int) best;
            System.arraycopy(ids, at + 2, ids, at + 1, n - at - 2);
            n--;
        }
        int[] result = Arrays.copyOf(ids, n);
        if (pieceCache.size() >= CACHE_LIMIT) {
            pieceCache.clear();
        }
        pieceCache.put(piece, result);
        return result;
    }

    @Override
    public String decode(int[] tokens) {
        return new String(decodeBytes(tokens), StandardCharsets.UTF_8);
    }

    /**
     * The bytes of a sequence of token ids (a token may hold part of a character).
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocabSize())}, naming it and its index
     * @param tokens ids in {@code [0, vocabSize())}
     * @return the concatenated bytes of the tokens
     */
    public byte[] decodeBytes(int[] tokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 * tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            int id = tokens[i];
            if (id < 0 || id >= tokenBytes.length) {
                throw new IllegalArgumentException("token " + id + " at index " + i
                        + " is outside the vocabulary of " + tokenBytes.length + " tokens");
            }
            out.writeBytes(tokenBytes[id]);
        }
        return out.toByteArray();
    }

    @Override
    public int vocabSize() {
        return tokenBytes.length;
    }

    @Override
    public String name() {
        return TYPE;
    }

    /**
     * Number of merges.
     *
     * @return the number of merge rules
     */
    public int mergeCount() {
        return merges.length;
    }

    /** The merges in priority order as (left id, right id). */
    int[][] mergePairs() {
        int[][] pairs = new int[merges.length][];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = new int[] {merges[i][0], merges[i][1]};
        }
        return pairs;
    }

    /**
     * Writes {@value #VOCAB_FILE}, {@value #MERGES_FILE} and a {@value Tokenizer#FILE_NAME} that
     * points to them into {@code dir}, each atomically.
     */
    @Override
    public void save(Path dir) throws IOException {
        AtomicWrite.write(dir.resolve(VOCAB_FILE), vocabJson());
        AtomicWrite.write(dir.resolve(MERGES_FILE), mergesText());
        AtomicWrite.write(dir.resolve(FILE_NAME), toJson());
    }

    byte[] vocabJson() throws IOException {
        ObjectNode root = TokenizerFile.JSON.createObjectNode();
        for (int id = 0; id < tokenBytes.length; id++) {
            String text = special().textOf(id);
            root.put(text != null ? text : ByteLevelAlphabet.encode(tokenBytes[id]), id);
        }
        return TokenizerFile.JSON.writeValueAsBytes(root);
    }

    byte[] mergesText() {
        StringBuilder text = new StringBuilder("#version: 0.2\n");
        for (int[] m : merges) {
            text.append(ByteLevelAlphabet.encode(tokenBytes[m[0]])).append(' ')
                    .append(ByteLevelAlphabet.encode(tokenBytes[m[1]])).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    byte[] toJson() throws IOException {
        ObjectNode root = TokenizerFile.JSON.createObjectNode();
        root.put("type", TYPE);
        root.put("vocab", VOCAB_FILE);
        root.put("merges", MERGES_FILE);
        return TokenizerFile.JSON.writeValueAsBytes(root);
    }

    @Override
    public String toString() {
        return "BpeTokenizer[" + tokenBytes.length + " tokens, " + merges.length + " merges]";
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
