/**
 * The training loop: {@link org.decoder4j.train.Trainer}, its report and history, listeners
 * (log, progress bar, metrics files, loss plot, early stopping) and resumable checkpoints. It
 * composes {@code nn}, {@code loss}, {@code optim}, {@code amp}, {@code data} and {@code eval};
 * the loss plot needs XChart on the class path (an optional dependency).
 */
package org.decoder4j.train;
