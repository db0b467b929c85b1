package org.decoder4j.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Language-model metrics over the scored positions of one evaluation pass.
 *
 * <pre>{@code
 * EvalResult r = Evaluator.of(model).metrics(TokenAccuracy.top(5)).evaluate(val);
 * r.loss();                      // 1.4821 nats
 * r.metric("top5_accuracy");     // 0.9113
 * }</pre>
 *
 * @param loss       mean next-token cross-entropy in nats, token-weighted
 * @param perplexity e^loss
 * @param accuracy   top-1 accuracy: fraction of positions whose target has the largest logit
 * @param tokens     number of scored positions
 * @param metrics    the value of each metric the evaluator was given, by {@link Metric#name()},
 *                   in the order given; empty when none was
 */
public record EvalResult(double loss, double perplexity, double accuracy, long tokens, Map<String, Double> metrics) {

    /**
     * Keeps an unmodifiable copy of the metrics, in their order.
     *
     * @param loss       mean next-token cross-entropy in nats, token-weighted
     * @param perplexity e^loss
     * @param accuracy   top-1 accuracy: fraction of positions whose target has the largest logit
     * @param tokens     number of scored positions
     * @param metrics    the value of each metric the evaluator was given, by {@link Metric#name()},
     *     in the order given; empty when none was
     */
    public EvalResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * A result with no further metrics.
     *
     * @param loss mean cross-entropy per token, in nats
     * @param perplexity {@code exp(loss)}
     * @param accuracy top-1 accuracy
     * @param tokens the number of scored tokens
     */
    public EvalResult(double loss, double perplexity, double accuracy, long tokens) {
        this(loss, perplexity, accuracy, tokens, Map.of());
    }

    /**
     * The value of the metric named {@code name}.
     *
     * @throws IllegalArgumentException if the evaluation did not compute it
     * @param name the metric's name
     * @return its value
     */
    public double metric(String name) {
        Double value = metrics.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no metric \"" + name + "\" in this result; it has " + metrics.keySet());
        }
        return value;
    }
}
