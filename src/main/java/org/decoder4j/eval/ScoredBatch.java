package org.decoder4j.eval;

/**
 * What one batch contributes to the metrics, computed once per batch by the {@link Evaluator} and
 * handed to every {@link Metric}. Only scored positions appear: a target equal to
 * {@link org.decoder4j.loss.Loss#IGNORE_INDEX} is left out of every field.
 *
 * <pre>{@code
 * double meanLoss = scored.negativeLogLikelihood() / scored.tokens();
 * long top1 = Arrays.stream(scored.targetRanks()).filter(r -> r < 1).count();
 * }</pre>
 *
 * @param negativeLogLikelihood sum over scored positions of {@code −log p(target)}, in nats
 * @param tokens                number of scored positions
 * @param targetRanks           for each scored position, how many other vocabulary entries have a
 *                              logit at least the target's (0: the target alone is the most likely
 *                              token; a tie is not a hit), or {@link #UNRANKED} when the logits hold
 *                              a NaN
 */
public record ScoredBatch(double negativeLogLikelihood, long tokens, int[] targetRanks) {

    /** The rank of a target whose logits hold a NaN: never within any top-k. */
    public static final int UNRANKED = Integer.MAX_VALUE;

    /**
     * Checks that there is one target rank per scored token.
     *
     * @param negativeLogLikelihood sum over scored positions of {@code −log p(target)}, in nats
     * @param tokens                number of scored positions
     * @param targetRanks           for each scored position, how many other vocabulary entries have a
     *     logit at least the target's (0: the target alone is the most likely
     *     token; a tie is not a hit), or {@link #UNRANKED} when the logits hold
     *     a NaN
     */
    public ScoredBatch {
        if (tokens != targetRanks.length) {
            throw new IllegalArgumentException(tokens + " scored tokens but " + targetRanks.length + " target ranks");
        }
    }

    /**
     * Number of scored positions whose target is among the {@code k} largest logits.
     *
     * @param k the number of top logits, {@code >= 1}
     * @return the number of hits
     */
    public long hitsWithin(int k) {
        long hits = 0;
        for (int rank : targetRanks) {
            if (rank < k) {
                hits++;
            }
        }
        return hits;
    }
}
