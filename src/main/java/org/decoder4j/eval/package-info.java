/**
 * Scoring a model: {@link org.decoder4j.eval.Evaluator} (loss, perplexity, token accuracy over a
 * token file or batches) and BLEU. It may use {@code tensor}, {@code nn}, {@code loss} and
 * {@code data}.
 */
package org.decoder4j.eval;
