package org.decoder4j.data.corpus;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a text read by {@link PythonTextReader} into chunks that a tokenizer can encode one at a
 * time with the same result as encoding the whole text at once. GPT-2's pre-tokenisation never
 * joins two characters across such a cut: a chunk ends either just before a space that has a
 * letter, digit or ASCII symbol on each side, or just after a newline that has one on each side
 * (no piece holds a non-space character and the space or newline next to it, and the last piece
 * of a chunk is the one it is in the whole text). A chunk can also be made to end at a given
 * character count, as nanoGPT's train/validation split does.
 */
final class TextChunks {

    private static final Logger LOG = LoggerFactory.getLogger(TextChunks.class);

    private final PythonTextReader reader;
    private final int targetChars;
    /** A string no cut may fall inside (a document separator), or empty. */
    private final String unbroken;
    private final StringBuilder pending = new StringBuilder();
    private boolean exhausted;
    private boolean warned;

    TextChunks(PythonTextReader reader, int targetChars) {
        this(reader, targetChars, "");
    }

    /** Chunks that never cut an occurrence of {@code unbroken} in two. */
    TextChunks(PythonTextReader reader, int targetChars, String unbroken) {
        this.reader = reader;
        this.targetChars = targetChars;
        this.unbroken = unbroken;
    }

    /**
     * The next chunk, of at most {@code maxCodePoints} characters (code points): when the text
     * goes on beyond that many, the chunk is exactly that many characters; null at the end of the
     * text (or when {@code maxCodePoints} is 0).
     */
    String next(long maxCodePoints) throws IOException {
        if (maxCodePoints <= 0) {
            return null;
        }
        while (true) {
            if (pending.length() < targetChars && !exhausted) {
                exhausted = !reader.read(pending, targetChars);
            }
            if (pending.length() == 0) {
                return null;
            }
            int limit = charIndexOfCodePoint(maxCodePoints);
            if (limit >= 0) {
                return take(limit);
            }
            if (exhausted) {
                return take(pending.length());
            }
            int cut = lastSafeCut();
            if (cut > 0 && pending.length() >= targetChars) {
                return take(cut);
            }
            if (!warned && pending.length() > 64 * targetChars) {
                warned = true;
                LOG.warn("{} characters without a place to cut the text (a space or a newline between two "
                        + "non-space characters); reading on", pending.length());
            }
            exhausted = !reader.read(pending, targetChars);
        }
    }

    /** The char index at which {@code codePoints} code points of {@link #pending} end, or -1 if it holds fewer. */
    private int charIndexOfCodePoint(long codePoints) {
        if (codePoints > pending.length()) {
            return -1;
        }
        int i = 0;
        for (long k = 0; k < codePoints; k++) {
            if (i >= pending.length()) {
                return -1;
            }
            if (i + 1 == pending.length() && Character.isHighSurrogate(pending.charAt(i)) && !exhausted) {
                return -1;                                          // its low surrogate is not read yet
            }
            i += Character.isHighSurrogate(pending.charAt(i)) && i + 1 < pending.length()
                    && Character.isLowSurrogate(pending.charAt(i + 1)) ? 2 : 1;
        }
        return i;
    }

    private int lastSafeCut() {
        for (int p = pending.length() - 2; p >= 2; p--) {
            char c = pending.charAt(p);
            boolean cut = (c == ' ' && solid(pending.charAt(p - 1)) && solid(pending.charAt(p + 1)))
                    || (pending.charAt(p - 1) == '\n' && solid(pending.charAt(p - 2)) && solid(c));
            if (cut && !insideUnbroken(p)) {
                return p;
            }
        }
        return -1;
    }

    private boolean insideUnbroken(int p) {
        if (unbroken.isEmpty()) {
            return false;
        }
        int at = pending.indexOf(unbroken, Math.max(0, p - unbroken.length() + 1));
        return at >= 0 && at < p;
    }

    /** A character that is certainly not whitespace: a letter, a digit or a visible ASCII symbol. */
    private static boolean solid(char c) {
        return (c > ' ' && c < 0x7F) || Character.isLetterOrDigit(c);
    }

    private String take(int chars) {
        String chunk = pending.substring(0, chars);
        pending.delete(0, chars);
        return chunk;
    }
}
