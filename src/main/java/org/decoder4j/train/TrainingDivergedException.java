package org.decoder4j.train;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Thrown by {@link Trainer#fit()} when training has diverged: too many steps in a row with a
 * non-finite loss or gradient norm, too many optimizer steps in a row skipped by the loss scaler,
 * or non-finite weights about to be saved. Nothing is written after the divergence: the
 * checkpoints, the best model and the final model on disk are from before it.
 *
 * <pre>{@code
 * try {
 *     trainer.maxBadSteps(2).fit();
 * } catch (TrainingDivergedException e) {
 *     long step = e.step();                                  // the step that ended the run
 *     e.lastCheckpoint().ifPresent(dir -> System.err.println("resume from " + dir));
 * }
 * }</pre>
 */
public final class TrainingDivergedException extends IllegalStateException {

    /** The 0-based index of the step that ended the run. */
    private final long step;
    private final transient Path lastCheckpoint;

    /**
     * @param step           0-based index of the step that ended the run
     * @param message        what went wrong, naming the step
     * @param lastCheckpoint the latest checkpoint this run wrote, or null
     */
    public TrainingDivergedException(long step, String message, Path lastCheckpoint) {
        super(message);
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
    }

    /**
     * The 0-based index of the step that ended the run.
     *
     * @return the step index
     */
    public long step() {
        return step;
    }

    /**
     * The latest checkpoint this run wrote before it diverged, if any.
     *
     * @return the checkpoint directory, or empty
     */
    public Optional<Path> lastCheckpoint() {
        return Optional.ofNullable(lastCheckpoint);
    }
}
