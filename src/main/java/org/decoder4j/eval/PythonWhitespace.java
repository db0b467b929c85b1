package org.decoder4j.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Whitespace as Python's {@code str.split()} and {@code str.rstrip()} define it, which is what
 * sacreBLEU uses to cut segments into tokens: the ASCII controls tab to carriage return and
 * U+001C to U+001F, every space separator (Zs, the no-break space included), U+0085, and the line
 * and paragraph separators. Java's {@link Character#isWhitespace} differs (it excludes the
 * no-break spaces and U+0085), so BLEU cannot use it and match sacreBLEU.
 */
final class PythonWhitespace {

    private PythonWhitespace() {
    }

    static boolean isWhitespace(int codePoint) {
        if (codePoint < 0x80) {
            return codePoint == ' ' || (codePoint >= 0x09 && codePoint <= 0x0D) || (codePoint >= 0x1C && codePoint <= 0x1F);
        }
        return codePoint == 0x85
                || codePoint == 0x2028
                || codePoint == 0x2029
                || Character.getType(codePoint) == Character.SPACE_SEPARATOR;
    }

    /** The tokens of {@code text} separated by runs of whitespace; none for blank text. */
    static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (isWhitespace(cp)) {
                if (start >= 0) {
                    tokens.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(cp);
        }
        if (start >= 0) {
            tokens.add(text.substring(start));
        }
        return tokens;
    }

    /** {@code text} without its trailing whitespace. */
    static String stripTrailing(String text) {
        int end = text.length();
        while (end > 0) {
            int cp = text.codePointBefore(end);
            if (!isWhitespace(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return text.substring(0, end);
    }
}
