package org.decoder4j.eval;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** How often each n-gram of orders 1 ... max occurs in a token sequence. */
final class NgramCounts {

    private final Map<List<String>, Integer> counts;

    private NgramCounts(Map<List<String>, Integer> counts) {
        this.counts = counts;
    }

    /** The n-grams of {@code tokens} for n = 1 ... {@code maxOrder}. */
    static NgramCounts of(List<String> tokens, int maxOrder) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxOrder; n++) {
            for (int i = 0; i + n <= tokens.size(); i++) {
                counts.merge(List.copyOf(tokens.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return new NgramCounts(counts);
    }

    /** For each n-gram, its largest count in this or {@code other} (the references of one segment). */
    NgramCounts max(NgramCounts other) {
        Map<List<String>, Integer> merged = new HashMap<>(counts);
        other.counts.forEach((ngram, count) -> merged.merge(ngram, count, Math::max));
        return new NgramCounts(merged);
    }

    int count(List<String> ngram) {
        return counts.getOrDefault(ngram, 0);
    }

    Map<List<String>, Integer> asMap() {
        return counts;
    }
}
