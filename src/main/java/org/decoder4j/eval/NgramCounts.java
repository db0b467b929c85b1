package org.decoder4j.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How often each n-gram of one order occurs in a token sequence. One order at a time, so that a
 * very long segment holds the n-grams of a single order in memory, not of all four at once.
 */
final class NgramCounts {

    private final Map<List<String>, Integer> counts;

    private NgramCounts(Map<List<String>, Integer> counts) {
        this.counts = counts;
    }

    /** The n-grams of order {@code n} of {@code tokens}. */
    static NgramCounts of(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) {
            counts.merge(tokens.subList(i, i + n), 1, Integer::sum);          // views: tokens outlives the map
        }
        return new NgramCounts(counts);
    }

    /** For each n-gram, its largest count in this or {@code other} (the references of one segment); this one is updated. */
    NgramCounts max(NgramCounts other) {
        other.counts.forEach((ngram, count) -> counts.merge(ngram, count, Math::max));
        return this;
    }

    int count(List<String> ngram) {
        return counts.getOrDefault(ngram, 0);
    }

    Map<List<String>, Integer> asMap() {
        return counts;
    }
}
