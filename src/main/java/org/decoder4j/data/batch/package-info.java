/**
 * Token files cut into batches of (B, T) windows as ND4J arrays: the training samplers
 * ({@link org.decoder4j.data.batch.BatchSampler}: random, sequential, shuffled windows) and the
 * evaluation windows ({@link org.decoder4j.data.batch.EvaluationWindows}: consecutive here,
 * sliding in {@code eval}), with the one shuffle ({@code RandomPermutation}) they draw orders
 * from. It may use {@code data.tokens} and ND4J; nothing else of decoder4j.
 */
package org.decoder4j.data.batch;
