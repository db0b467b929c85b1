package org.decoder4j.eval;

/**
 * Top-k next-token accuracy: the fraction of scored positions whose target is among the model's
 * {@code k} most likely next tokens, that is, fewer than {@code k} other vocabulary entries have a
 * logit at least the target's: a tie counts against the target, so a model whose logits are all
 * equal scores 0 (for {@code k} below the vocabulary size), and a position whose logits hold a NaN
 * is never a hit. Positions whose
 * target is {@link org.decoder4j.loss.Loss#IGNORE_INDEX} are not counted.
 *
 * <pre>{@code
 * EvalResult r = Evaluator.of(model).metrics(TokenAccuracy.top(5)).evaluate(val);
 * double top5 = r.metric("top5_accuracy");
 * }</pre>
 */
public final class TokenAccuracy implements Metric {

    private final int k;

    private TokenAccuracy(int k) {
        this.k = k;
    }

    /**
     * Top-{@code k} accuracy, named {@code "top<k>_accuracy"}; {@code top(1)} is plain accuracy.
     *
     * @throws IllegalArgumentException if {@code k < 1}
     * @param k the number of top logits, {@code >= 1}
     * @return the metric
     */
    public static TokenAccuracy top(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k accuracy needs k >= 1, got " + k);
        }
        return new TokenAccuracy(k);
    }

    /**
     * The {@code k} of top-k.
     *
     * @return k
     */
    public int k() {
        return k;
    }

    @Override
    public String name() {
        return "top" + k + "_accuracy";
    }

    @Override
    public Accumulator newAccumulator() {
        return new Accumulator() {
            private long hits;
            private long tokens;

            @Override
            public void add(ScoredBatch batch) {
                hits += batch.hitsWithin(k);
                tokens += batch.tokens();
            }

            @Override
            public double result() {
                return (double) hits / tokens;
            }
        };
    }

    @Override
    public String toString() {
        return "TokenAccuracy[top " + k + "]";
    }
}
