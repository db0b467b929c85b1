package org.decoder4j.train;

import org.decoder4j.eval.EvalResult;

/**
 * Hooks a training run calls; implement the ones you need.
 *
 * <pre>{@code
 * trainer.listener(new TrainingListener() {
 *     public void onStep(StepResult s) { losses.add(s.loss()); }
 * });
 * }</pre>
 */
public interface TrainingListener {

    /**
     * Before the first step; {@code totalSteps} is the step count the run ends at.
     *
     * @param startStep the step the run starts at (0, or the checkpoint's when resuming)
     * @param totalSteps the step count the run ends at
     */
    default void onStart(long startStep, long totalSteps) {
    }

    /**
     * After every optimizer step.
     *
     * @param step the step's loss, rate, gradient norm and timing
     */
    default void onStep(StepResult step) {
    }

    /**
     * After each validation pass, at the step count {@code step} (steps completed).
     *
     * @param step the number of steps done
     * @param result the validation loss and metrics
     */
    default void onEvaluation(long step, EvalResult result) {
    }

    /**
     * Asked after every step and every validation pass: return true to end the run there (early
     * stopping). The run then saves and reports as if it had reached its last step.
     *
     * @return true to stop after this step
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * After the last step.
     *
     * @param report the run's summary
     */
    default void onFinish(TrainingReport report) {
    }
}
