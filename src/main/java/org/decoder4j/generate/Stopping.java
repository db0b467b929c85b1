package org.decoder4j.generate;

import java.util.List;

/**
 * When generation ends: after {@code maxNewTokens} tokens, or as soon as the generated text
 * contains one of the stop sequences (the text returned then ends just before it).
 *
 * <pre>{@code
 * Stopping s = Stopping.after(500).orAt("\n\n", "THE END");
 * }</pre>
 *
 * @param maxNewTokens  the most tokens to generate, {@code >= 0}
 * @param stopSequences non-empty strings; generation stops at the first one that appears
 */
public record Stopping(int maxNewTokens, List<String> stopSequences) {

    /**
     * Checks the limit and the stop sequences and keeps a copy of the latter.
     *
     * @param maxNewTokens the most tokens to generate, {@code >= 0}
     * @param stopSequences non-empty strings; generation stops at the first one that appears
     * @throws IllegalArgumentException if the limit is negative or a stop sequence is empty
     */
    public Stopping {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("the maximum number of new tokens must be >= 0, got " + maxNewTokens);
        }
        stopSequences = List.copyOf(stopSequences);
        for (String stop : stopSequences) {
            if (stop.isEmpty()) {
                throw new IllegalArgumentException("a stop sequence is empty: give at least one character");
            }
        }
    }

    /**
     * Stops after {@code maxNewTokens} tokens only.
     *
     * @param maxNewTokens the most tokens to generate, {@code >= 0}
     * @return a rule without stop sequences
     */
    public static Stopping after(int maxNewTokens) {
        return new Stopping(maxNewTokens, List.of());
    }

    /**
     * The same limit, also stopping at any of {@code stops} (added to those already set).
     *
     * @param stops texts that end generation, not empty
     * @return the new rule
     */
    public Stopping orAt(String... stops) {
        List<String> all = new java.util.ArrayList<>(stopSequences);
        all.addAll(List.of(stops));
        return new Stopping(maxNewTokens, all);
    }

    /** The longest stop sequence's length, 0 when there is none. */
    int longestStop() {
        int n = 0;
        for (String stop : stopSequences) {
            n = Math.max(n, stop.length());
        }
        return n;
    }
}
