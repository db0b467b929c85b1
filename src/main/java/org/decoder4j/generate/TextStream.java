package org.decoder4j.generate;

import java.util.Arrays;
import java.util.function.Consumer;
import org.decoder4j.data.tokenizer.Tokenizer;

/**
 * Turns generated token ids into text as they come, watching for stop sequences.
 *
 * <p>The generated ids are decoded again after each token and only the new end of the text is
 * passed on, so a tokenizer whose tokens are parts of a character (a trailing U+FFFD) still
 * passes whole characters. Text that could be the beginning of a stop sequence is held back until
 * the next tokens show whether it is; a completed stop sequence and what follows it are never
 * passed on.
 */
final class TextStream {

    private final Tokenizer tokenizer;
    private final Stopping stopping;
    private final Consumer<String> onText;
    private int[] ids = new int[64];
    private int count;
    private String text = "";
    private int emitted;
    private int searched;
    private boolean stopped;

    TextStream(Tokenizer tokenizer, Stopping stopping, Consumer<String> onText) {
        this.tokenizer = tokenizer;
        this.stopping = stopping;
        this.onText = onText;
    }

    /** Takes the next generated id; false once the text has reached a stop sequence. */
    boolean accept(int id) {
        if (count == ids.length) {
            ids = Arrays.copyOf(ids, 2 * count);
        }
        ids[count++] = id;
        String decoded = tokenizer.decode(Arrays.copyOf(ids, count));
        text = decoded.endsWith("\uFFFD") ? decoded.substring(0, decoded.length() - 1) : decoded;
        int stopAt = firstStop();
        if (stopAt >= 0) {
            text = text.substring(0, stopAt);
            stopped = true;
            emitUpTo(stopAt);
            return false;
        }
        searched = text.length();
        emitUpTo(text.length() - heldBack());
        return true;
    }

    /** Passes on what was held back; call when generation ends without a stop sequence. */
    void finish() {
        if (!stopped) {
            emitUpTo(text.length());
        }
    }

    /** The text so far (all of it after {@link #finish()}), cut before a stop sequence. */
    String text() {
        return text;
    }

    int[] tokens() {
        return Arrays.copyOf(ids, count);
    }

    boolean stopped() {
        return stopped;
    }

    /** The earliest index at which a stop sequence starts in the new part of the text, or −1. */
    private int firstStop() {
        int from = Math.max(0, searched - stopping.longestStop() + 1);
        int first = -1;
        for (String stop : stopping.stopSequences()) {
            int at = text.indexOf(stop, from);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Length of the longest end of the text that begins some stop sequence. */
    private int heldBack() {
        int longest = 0;
        for (String stop : stopping.stopSequences()) {
            for (int n = Math.min(stop.length() - 1, text.length()); n > longest; n--) {
                if (text.regionMatches(text.length() - n, stop, 0, n)) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }

    private void emitUpTo(int end) {
        if (end > emitted) {
            onText.accept(text.substring(emitted, end));
            emitted = end;
        }
    }
}
