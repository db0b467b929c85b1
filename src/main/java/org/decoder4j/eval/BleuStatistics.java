package org.decoder4j.eval;

import java.util.List;

/**
 * The sufficient statistics of BLEU over a set of segments, from which the score follows
 * ({@link Bleu#score(BleuStatistics)}); statistics of separate segments add up to those of the
 * corpus they form.
 *
 * <pre>{@code
 * BleuStatistics s = new BleuStatistics(11, 11, List.of(9L, 7L, 5L, 3L), List.of(10L, 8L, 6L, 4L));
 * double bleu = Bleu.corpus().smoothing(BleuSmoothing.none()).score(s).score();   // 83.759...
 * }</pre>
 *
 * @param sysLen hypothesis tokens
 * @param refLen reference tokens, taking for each segment the reference closest in length to the
 *               hypothesis (the shorter one on a tie)
 * @param counts matched n-grams for n = 1 ... max order, each hypothesis n-gram counted at most as
 *               often as it occurs in one reference
 * @param totals hypothesis n-grams for n = 1 ... max order
 */
public record BleuStatistics(long sysLen, long refLen, List<Long> counts, List<Long> totals) {

    /**
     * Checks the counts and lengths and keeps unmodifiable copies of the lists.
     *
     * @param sysLen hypothesis tokens
     * @param refLen reference tokens, taking for each segment the reference closest in length to the
     *     hypothesis (the shorter one on a tie)
     * @param counts matched n-grams for n = 1 ... max order, each hypothesis n-gram counted at most as
     *     often as it occurs in one reference
     * @param totals hypothesis n-grams for n = 1 ... max order
     * @throws IllegalArgumentException if the lists are empty or differ in length, or a length is
     *     negative
     */
    public BleuStatistics {
        counts = List.copyOf(counts);
        totals = List.copyOf(totals);
        if (counts.isEmpty() || counts.size() != totals.size()) {
            throw new IllegalArgumentException("BLEU statistics need as many counts as totals, at least one each; got "
                    + counts.size() + " counts and " + totals.size() + " totals");
        }
        if (sysLen < 0 || refLen < 0) {
            throw new IllegalArgumentException("BLEU lengths must be >= 0, got sysLen " + sysLen + ", refLen " + refLen);
        }
        for (int i = 0; i < counts.size(); i++) {
            if (counts.get(i) < 0 || counts.get(i) > totals.get(i)) {
                throw new IllegalArgumentException("BLEU statistics for " + (i + 1) + "-grams: count " + counts.get(i)
                        + " is not in [0, total " + totals.get(i) + "]");
            }
        }
    }

    /**
     * The largest n-gram order.
     *
     * @return the number of orders counted
     */
    public int maxOrder() {
        return counts.size();
    }
}
