package org.decoder4j.eval;

/**
 * Perplexity, {@code exp} of a mean next-token cross-entropy, in one of two averagings:
 *
 * <ul>
 *   <li>{@link #tokenWeighted()}, {@code "perplexity"}: {@code exp(Σ nll / Σ tokens)} over every
 *       scored token of the pass: the exact perplexity of the data, whatever the batch size;</li>
 *   <li>{@link #meanOfBatchMeans()}, {@code "perplexity_batch_mean"}: {@code exp(mean over batches
 *       of each batch's mean loss)}, what a loop that averages per-batch losses reports. It gives
 *       a smaller last batch the weight of a full one, so it depends on the batch size.</li>
 * </ul>
 *
 * <pre>{@code
 * EvalResult r = Evaluator.of(model).batchSize(4)
 *         .metrics(Perplexity.tokenWeighted(), Perplexity.meanOfBatchMeans())
 *         .evaluate(val);
 * double exact = r.metric("perplexity");               // equals r.perplexity()
 * double perBatch = r.metric("perplexity_batch_mean");
 * }</pre>
 */
public final class Perplexity implements Metric {

    private final boolean tokenWeighted;

    private Perplexity(boolean tokenWeighted) {
        this.tokenWeighted = tokenWeighted;
    }

    /**
     * {@code exp(Σ nll / Σ tokens)} over every scored token: the exact perplexity.
     *
     * @return the exact perplexity metric
     */
    public static Perplexity tokenWeighted() {
        return new Perplexity(true);
    }

    /**
     * {@code exp(mean over batches of (batch nll / batch tokens))}: every batch weighs the same.
     *
     * @return the batch-mean perplexity metric
     */
    public static Perplexity meanOfBatchMeans() {
        return new Perplexity(false);
    }

    @Override
    public String name() {
        return tokenWeighted ? "perplexity" : "perplexity_batch_mean";
    }

    @Override
    public Accumulator newAccumulator() {
        return tokenWeighted ? new TokenWeighted() : new MeanOfBatchMeans();
    }

    @Override
    public String toString() {
        return "Perplexity[" + name() + "]";
    }

    private static final class TokenWeighted implements Accumulator {
        private double nll;
        private long tokens;

        @Override
        public void add(ScoredBatch batch) {
            nll += batch.negativeLogLikelihood();
            tokens += batch.tokens();
        }

        @Override
        public double result() {
            return Math.exp(nll / tokens);
        }
    }

    private static final class MeanOfBatchMeans implements Accumulator {
        private double sumOfMeans;
        private long batches;

        @Override
        public void add(ScoredBatch batch) {
            sumOfMeans += batch.negativeLogLikelihood() / batch.tokens();
            batches++;
        }

        @Override
        public double result() {
            return Math.exp(sumOfMeans / batches);
        }
    }
}
