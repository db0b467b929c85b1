package org.decoder4j.train;

/**
 * What one optimizer step did.
 *
 * @param step     0-based step index
 * @param loss     training loss of the step's batch, before the update
 * @param lr       learning rate used by the first parameter group
 * @param gradNorm global L2 norm of the gradients before clipping
 * @param millis   wall time of the step
 * @param tokens   tokens processed in the step
 * @param skipped  whether the optimizer step was skipped (mixed precision: non-finite gradients)
 * @param lossScale the loss scale the step used (NaN without loss scaling)
 */
public record StepResult(long step, double loss, double lr, double gradNorm, double millis, long tokens,
                         boolean skipped, double lossScale) {

    /**
     * A step that was taken, without loss scaling.
     *
     * @param step the step's 0-based index
     * @param loss its training loss
     * @param lr the learning rate it used
     * @param gradNorm the gradient norm before clipping
     * @param millis its wall time
     * @param tokens the tokens it trained on
     */
    public StepResult(long step, double loss, double lr, double gradNorm, double millis, long tokens) {
        this(step, loss, lr, gradNorm, millis, tokens, false, Double.NaN);
    }

    /**
     * Throughput of this step.
     *
     * @return tokens per second
     */
    public double tokensPerSecond() {
        return millis > 0 ? tokens * 1000.0 / millis : 0;
    }
}
