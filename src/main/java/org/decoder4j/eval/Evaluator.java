package org.decoder4j.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.ConsecutiveWindows;
import org.decoder4j.data.batch.IndexedBatches;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;

/**
 * Scores a model on a token file in one pass, under {@link NoGrad} in evaluation mode (the model's
 * mode is restored afterwards), and returns loss, perplexity, top-1 accuracy, the number of scored
 * tokens, and the value of every extra {@link Metric} it was given.
 *
 * <p>Windows: by default every consecutive non-overlapping window of T tokens (window i has inputs
 * {@code tokens[i·T, i·T+T)} and targets shifted by one; a remainder shorter than T+1 is dropped),
 * as {@link ConsecutiveWindows}. With {@link #stride(int)} S, sliding windows that score every
 * token after the first exactly once with at least T−S tokens of history, as
 * {@link SlidingWindows}. Loss, perplexity and accuracy are token-weighted, so the batch size
 * changes speed and memory, not the result (only {@link Perplexity#meanOfBatchMeans()} depends on
 * it, by definition).
 *
 * <pre>{@code
 * EvalResult r = Evaluator.of(model).contextLength(64).batchSize(32).evaluate(val);
 * System.out.printf("loss %.4f, perplexity %.2f%n", r.loss(), r.perplexity());
 *
 * EvalResult sliding = Evaluator.of(model).stride(32)
 *         .metrics(TokenAccuracy.top(5), Perplexity.meanOfBatchMeans())
 *         .evaluate(val);
 * double top5 = sliding.metric("top5_accuracy");
 * }</pre>
 */
public final class Evaluator {

    private final GPT model;
    private int contextLength;
    private int batchSize = 32;
    private int stride;                                  // 0: consecutive windows
    private List<Metric> metrics = List.of();

    private Evaluator(GPT model) {
        this.model = model;
        this.contextLength = model.config().contextLength();
    }

    /**
     * An evaluator with the model's full context, consecutive windows and batches of 32 windows.
     *
     * @param model the model to score
     * @return the evaluator
     */
    public static Evaluator of(GPT model) {
        return new Evaluator(model);
    }

    /**
     * Window length T; at most the model's context length.
     *
     * @param t T, in {@code [1, model context]}
     * @return this evaluator
     */
    public Evaluator contextLength(int t) {
        this.contextLength = model.config().checkContext(t);
        return this;
    }

    /**
     * Windows per forward pass.
     *
     * @param b the windows per batch, {@code >= 1}
     * @return this evaluator
     */
    public Evaluator batchSize(int b) {
        if (b <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + b);
        }
        this.batchSize = b;
        return this;
    }

    /**
     * Sliding windows advancing by {@code s} tokens, {@code 1 <= s <= T}; see {@link SlidingWindows}.
     * The bound against T is checked when evaluating, so the calls may come in any order.
     *
     * @param s the stride, {@code >= 1}
     * @return this evaluator
     */
    public Evaluator stride(int s) {
        if (s < 1) {
            throw new IllegalArgumentException("stride must be at least 1, got " + s);
        }
        this.stride = s;
        return this;
    }

    /**
     * The extra metrics to compute, in the order their values appear in {@link EvalResult#metrics()}.
     *
     * @throws IllegalArgumentException if two have the same name
     * @param list the metrics
     * @return this evaluator
     */
    public Evaluator metrics(Metric... list) {
        Set<String> names = new HashSet<>();
        for (Metric m : list) {
            if (!names.add(m.name())) {
                throw new IllegalArgumentException("metric \"" + m.name() + "\" is listed twice");
            }
        }
        this.metrics = List.of(list);
        return this;
    }

    /**
     * Evaluates on every window of the dataset.
     *
     * @throws IllegalArgumentException if a token is outside the model's vocabulary, the stride is
     *                                  larger than the context, or the data is too short for one window
     * @param data the tokens to score
     * @return loss, perplexity, accuracy, token count and the extra metrics
     */
    public EvalResult evaluate(TokenDataset data) {
        data.checkVocabulary(model.config().vocabSize());
        if (stride > contextLength) {
            throw new IllegalArgumentException("stride " + stride + " must be in [1, " + contextLength
                    + "] (the context length): a larger stride would skip tokens");
        }
        IndexedBatches windows = stride == 0
                ? new ConsecutiveWindows(data, batchSize, contextLength)
                : new SlidingWindows(data, batchSize, contextLength, stride);
        return run(windows, true);
    }

    /**
     * Evaluates on the given batches, each one forward pass of at most the model's context; targets
     * equal to {@link Loss#IGNORE_INDEX} are not scored. The batches are not closed.
     *
     * @throws IllegalArgumentException if there is no scored target, or a target is outside the vocabulary
     * @param batches the batches to score
     * @return loss, perplexity, accuracy, token count and the extra metrics
     */
    public EvalResult evaluate(Iterable<Batch> batches) {
        return run(batches, false);
    }

    private EvalResult run(Iterable<Batch> batches, boolean closeBatches) {
        BatchScorer scorer = new BatchScorer(model);
        List<Metric.Accumulator> accumulators = new ArrayList<>();
        for (Metric m : metrics) {
            accumulators.add(m.newAccumulator());
        }
        double nll = 0;
        long top1 = 0;
        long tokens = 0;
        boolean wasTraining = model.isTraining();
        model.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            for (Batch batch : batches) {
                ScoredBatch scored;
                try (MemoryScope scope = MemoryScope.open()) {
                    scored = scorer.score(batch);
                } finally {
                    if (closeBatches) {
                        batch.close();
                    }
                }
                if (scored.tokens() == 0) {
                    continue;
                }
                nll += scored.negativeLogLikelihood();
                top1 += scored.hitsWithin(1);
                tokens += scored.tokens();
                for (Metric.Accumulator a : accumulators) {
                    a.add(scored);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("nothing to score: there are no batches, or every target is the ignore index "
                    + Loss.IGNORE_INDEX);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < metrics.size(); i++) {
            values.put(metrics.get(i).name(), accumulators.get(i).result());
        }
        double loss = nll / tokens;
        return new EvalResult(loss, Math.exp(loss), (double) top1 / tokens, tokens, values);
    }
}
