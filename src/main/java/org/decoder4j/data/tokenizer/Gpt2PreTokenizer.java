package org.decoder4j.data.tokenizer;

import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GPT-2's pre-tokenisation: text is cut into pieces (contractions, words with their leading
 * space, numbers, runs of punctuation, runs of whitespace) by GPT-2's regular expression, and BPE
 * merges never cross a piece boundary. {@code \s} is Unicode whitespace, as in tiktoken.
 *
 * <pre>{@code
 * Gpt2PreTokenizer.forEachPiece("I'm  here", piece -> ...);   // "I", "'m", " ", " here"
 * }</pre>
 */
final class Gpt2PreTokenizer {

    static final Pattern PATTERN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private Gpt2PreTokenizer() {
    }

    /** Calls {@code action} with each piece of {@code text}, in order; together they are the text. */
    static void forEachPiece(CharSequence text, Consumer<String> action) {
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            action.accept(m.group());
        }
    }
}
