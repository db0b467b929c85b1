package org.decoder4j.data.tokenizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The special tokens of a tokenizer (text → id), and encoding with them recognised, as tiktoken's
 * {@code encode(text, allowed_special="all")}: the text is cut at every occurrence of a special
 * token (the leftmost first; of two starting at the same place, the longer), the pieces between
 * are encoded ordinarily and each occurrence becomes its id.
 */
final class SpecialTokens {

    /** GPT-2's end-of-text token, which decoder4j's byte-level tokenizers put between documents. */
    static final String END_OF_TEXT = Tokenizer.END_OF_TEXT;

    private final Map<String, Integer> ids;

    SpecialTokens(Map<String, Integer> ids) {
        this.ids = Map.copyOf(ids);
    }

    static SpecialTokens none() {
        return new SpecialTokens(Map.of());
    }

    Map<String, Integer> asMap() {
        return ids;
    }

    boolean isEmpty() {
        return ids.isEmpty();
    }

    /** The text of a special id, or null if the id is not special. */
    String textOf(int id) {
        for (Map.Entry<String, Integer> e : ids.entrySet()) {
            if (e.getValue() == id) {
                return e.getKey();
            }
        }
        return null;
    }

    /** {@code text} encoded with {@code ordinary} between the special tokens it contains. */
    int[] encode(String text, Function<String, int[]> ordinary) {
        if (ids.isEmpty()) {
            return ordinary.apply(text);
        }
        int[] out = new int[Math.max(16, text.length() / 2)];
        int size = 0;
        int from = 0;
        while (true) {
            int at = -1;
            String found = null;
            for (String special : ids.keySet()) {
                int i = text.indexOf(special, from);
                if (i >= 0 && (at < 0 || i < at || (i == at && special.length() > found.length()))) {
                    at = i;
                    found = special;
                }
            }
            int[] part = ordinary.apply(at < 0 ? text.substring(from) : text.substring(from, at));
            if (size + part.length + 1 > out.length) {
                out = Arrays.copyOf(out, Math.max(2 * out.length, size + part.length + 1));
            }
            System.arraycopy(part, 0, out, size, part.length);
            size += part.length;
            if (at < 0) {
                return Arrays.copyOf(out, size);
            }
            out[size++] = ids.get(found);
            from = at + found.length();
        }
    }

    /** The map in id order, for files and messages. */
    Map<String, Integer> inIdOrder() {
        Map<String, Integer> sorted = new LinkedHashMap<>();
        ids.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
