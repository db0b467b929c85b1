package org.decoder4j.eval;

/**
 * A figure computed over all the batches of one evaluation pass. The {@link Evaluator} starts one
 * {@link Accumulator} per pass, adds every batch to it, then reads the result; the metric itself
 * holds no state, so an evaluator can be run again.
 *
 * <pre>{@code
 * EvalResult r = Evaluator.of(model)
 *         .metrics(TokenAccuracy.top(5), Perplexity.meanOfBatchMeans())
 *         .evaluate(val);
 * double top5 = r.metric("top5_accuracy");
 * }</pre>
 */
public interface Metric {

    /**
     * The key of this metric's value in {@link EvalResult#metrics()}, such as {@code "top5_accuracy"}.
     *
     * @return the metric's name
     */
    String name();

    /**
     * A fresh accumulator for one evaluation pass.
     *
     * @return a new accumulator
     */
    Accumulator newAccumulator();

    /** The running state of one metric during one pass. */
    interface Accumulator {

        /**
         * Adds one batch; batches with no scored position are never added.
         *
         * @param batch the scores of one batch
         */
        void add(ScoredBatch batch);

        /**
         * The value over every batch added so far; called after at least one batch.
         *
         * @return the metric's value
         */
        double result();
    }
}
