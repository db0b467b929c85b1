package org.decoder4j.eval;

import java.util.List;

/**
 * A BLEU score with the figures it is made of, as sacreBLEU's {@code BLEUScore} reports them.
 *
 * <pre>{@code
 * BleuScore s = Bleu.corpus().corpusScore(hypotheses, List.of(references));
 * System.out.printf("BLEU %.2f, BP %.3f, %d/%d unigrams%n", s.score(), s.bp(), s.counts().get(0), s.totals().get(0));
 * }</pre>
 *
 * @param score      BLEU on sacreBLEU's scale, 0 to 100
 * @param counts     matched n-grams, n = 1 ... max order (clipped by the references)
 * @param totals     hypothesis n-grams, n = 1 ... max order
 * @param precisions n-gram precisions in percent after smoothing; all 0 when nothing matched, and
 *                   0 from the first order whose total is zero on
 * @param bp         brevity penalty: 1 when {@code sysLen >= refLen}, else
 *                   {@code exp(1 - refLen / sysLen)}, and 0 for an empty hypothesis
 * @param sysLen     hypothesis tokens
 * @param refLen     reference tokens (closest reference length per segment)
 */
public record BleuScore(double score, List<Long> counts, List<Long> totals, List<Double> precisions,
                        double bp, long sysLen, long refLen) {

    /**
     * Keeps unmodifiable copies of the lists.
     *
     * @param score      BLEU on sacreBLEU's scale, 0 to 100
     * @param counts     matched n-grams, n = 1 ... max order (clipped by the references)
     * @param totals     hypothesis n-grams, n = 1 ... max order
     * @param precisions n-gram precisions in percent after smoothing; all 0 when nothing matched, and
     *     0 from the first order whose total is zero on
     * @param bp         brevity penalty: 1 when {@code sysLen >= refLen}, else
     *     {@code exp(1 - refLen / sysLen)}, and 0 for an empty hypothesis
     * @param sysLen     hypothesis tokens
     * @param refLen     reference tokens (closest reference length per segment)
     */
    public BleuScore {
        counts = List.copyOf(counts);
        totals = List.copyOf(totals);
        precisions = List.copyOf(precisions);
    }

    /**
     * {@code sysLen / refLen}, or 0 when the references are empty (as sacreBLEU reports it).
     *
     * @return the length ratio
     */
    public double ratio() {
        return refLen == 0 ? 0 : (double) sysLen / refLen;
    }
}
