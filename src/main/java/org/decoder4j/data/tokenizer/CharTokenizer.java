package org.decoder4j.data.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.decoder4j.io.AtomicWrite;

/**
 * One token per character, as nanoGPT's {@code shakespeare_char}: the vocabulary is the sorted set
 * of the text's characters and a character's id is its rank. A character is a Unicode code point
 * (as in Python), so a surrogate pair is one token and the order is by code point.
 *
 * <pre>{@code
 * CharTokenizer tok = CharTokenizer.fit("hello world");
 * tok.vocabSize();                 // 8: ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'
 * tok.encode("hold");              // [3, 5, 4, 1]
 * tok.decode(new int[] {3, 2});    // "he"
 * }</pre>
 *
 * <p>Saved as {@code {"type":"char","vocab":["\n"," ","!",...]}}, where each vocabulary entry is
 * one character and its position is its id.
 */
public final class CharTokenizer implements Tokenizer {

    static final String TYPE = "char";

    /** Code point of each id. */
    private final int[] vocabulary;
    /** The vocabulary's code points in ascending order, and the id of each. */
    private final int[] sortedCodePoints;
    private final int[] sortedIds;

    private CharTokenizer(int[] vocabulary) {
        this.vocabulary = vocabulary;
        Integer[] order = new Integer[vocabulary.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(vocabulary[a], vocabulary[b]));
        this.sortedCodePoints = new int[vocabulary.length];
        this.sortedIds = new int[vocabulary.length];
        for (int i = 0; i < order.length; i++) {
            sortedCodePoints[i] = vocabulary[order[i]];
            sortedIds[i] = order[i];
            if (i > 0 && sortedCodePoints[i] == sortedCodePoints[i - 1]) {
                throw new IllegalArgumentException("character " + describe(sortedCodePoints[i])
                        + " appears twice in the vocabulary, at ids " + sortedIds[i - 1] + " and " + sortedIds[i]);
            }
        }
    }

    /**
     * The tokenizer whose vocabulary is the sorted set of code points in {@code text}.
     *
     * @throws IllegalArgumentException if the text is empty or holds an unpaired surrogate
     * @param text the text whose characters make the vocabulary
     * @return the tokenizer
     */
    public static CharTokenizer fit(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cannot fit a character vocabulary on empty text");
        }
        checkSurrogates(text);
        return new CharTokenizer(text.codePoints().sorted().distinct().toArray());
    }

    /**
     * The tokenizer with this vocabulary: entry {@code i} is the one character whose id is {@code i}.
     *
     * @throws IllegalArgumentException if an entry is not exactly one character or appears twice
     * @param vocabulary one character per id, in id order
     * @return the tokenizer
     */
    public static CharTokenizer of(List<String> vocabulary) {
        if (vocabulary.isEmpty()) {
            throw new IllegalArgumentException("vocabulary is empty");
        }
        int[] codePoints = new int[vocabulary.size()];
        for (int i = 0; i < codePoints.length; i++) {
            String entry = vocabulary.get(i);
            if (entry == null || entry.codePointCount(0, entry.length()) != 1) {
                throw new IllegalArgumentException("vocabulary entry " + i + " must be exactly one character, found "
                        + (entry == null ? "null" : "\"" + entry + "\""));
            }
            checkSurrogates(entry);
            codePoints[i] = entry.codePointAt(0);
        }
        return new CharTokenizer(codePoints);
    }

    static CharTokenizer fromJson(JsonNode root) {
        JsonNode vocab = root.get("vocab");
        if (vocab == null || !vocab.isArray()) {
            throw new IllegalArgumentException("a \"char\" tokenizer needs an array field \"vocab\"");
        }
        List<String> entries = new ArrayList<>(vocab.size());
        for (int i = 0; i < vocab.size(); i++) {
            JsonNode e = vocab.get(i);
            if (!e.isTextual()) {
                throw new IllegalArgumentException("vocab entry " + i + " must be a string, found " + e);
            }
            entries.add(e.textValue());
        }
        return of(entries);
    }

    private static void checkSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(String.format(
                        "unpaired surrogate U+%04X at index %d is not a character", (int) c, i));
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>One id per code point. An unknown character's index in the message is its {@code char}
     * index in the Java string.
     */
    @Override
    public int[] encode(String text) {
        int[] ids = new int[text.codePointCount(0, text.length())];
        int t = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int k = Arrays.binarySearch(sortedCodePoints, cp);
            if (k < 0) {
                throw new IllegalArgumentException("character " + describe(cp) + " at index " + i
                        + " is not in the vocabulary of " + vocabulary.length + " characters");
            }
            ids[t++] = sortedIds[k];
            i += Character.charCount(cp);
        }
        return ids;
    }

    @Override
    public String decode(int[] tokens) {
        StringBuilder text = new StringBuilder(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            int id = tokens[i];
            if (id < 0 || id >= vocabulary.length) {
                throw new IllegalArgumentException("token " + id + " at index " + i
                        + " is outside the vocabulary of " + vocabulary.length + " characters");
            }
            text.appendCodePoint(vocabulary[id]);
        }
        return text.toString();
    }

    @Override
    public int vocabSize() {
        return vocabulary.length;
    }

    @Override
    public String name() {
        return TYPE;
    }

    /**
     * The vocabulary: entry {@code i} is the character with id {@code i}.
     *
     * @return the characters in id order, unmodifiable
     */
    public List<String> vocabulary() {
        List<String> entries = new ArrayList<>(vocabulary.length);
        for (int cp : vocabulary) {
            entries.add(Character.toString(cp));
        }
        return List.copyOf(entries);
    }

    @Override
    public void save(Path dir) throws IOException {
        AtomicWrite.write(dir.resolve(FILE_NAME), toJson());
    }

    /** The content of the tokenizer file. */
    byte[] toJson() throws IOException {
        ObjectNode root = TokenizerFile.JSON.createObjectNode();
        root.put("type", TYPE);
        ArrayNode vocab = root.putArray("vocab");
        vocabulary().forEach(vocab::add);
        return TokenizerFile.JSON.writeValueAsBytes(root);
    }

    @Override
    public String toString() {
        return "CharTokenizer[" + vocabulary.length + " characters]";
    }

    /** A character for messages: {@code 'é' (U+00E9)}, or just {@code U+000A} for invisible ones. */
    static String describe(int codePoint) {
        String code = String.format("U+%04X", codePoint);
        boolean visible = !Character.isISOControl(codePoint) && !Character.isWhitespace(codePoint)
                && Character.isDefined(codePoint);
        return visible ? "'" + Character.toString(codePoint) + "' (" + code + ")" : code;
    }
}
