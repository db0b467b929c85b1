package org.decoder4j.eval;

/**
 * Language-model metrics over a token stream.
 *
 * @param loss       mean next-token cross-entropy in nats, token-weighted
 * @param perplexity e^loss
 * @param accuracy   fraction of positions whose most likely next token is the target
 * @param tokens     number of scored positions
 */
public record EvalResult(double loss, double perplexity, double accuracy, long tokens) {
}
