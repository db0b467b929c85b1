package org.decoder4j.amp;

import org.decoder4j.optim.Optimizer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic loss scaling with the behaviour and defaults of PyTorch's {@code GradScaler}: the loss
 * is multiplied by a scale before backward so that small float16 gradients do not flush to zero;
 * {@link #unscale} divides the gradients by it again (call it before clipping); {@link #step}
 * skips the optimizer step when any gradient is infinite or NaN; {@link #update} halves the scale
 * after such a step and doubles it after {@code growthInterval} clean steps in a row.
 *
 * <pre>{@code
 * GradScaler scaler = new GradScaler();                    // 2^16, ×2, ×0.5, every 2000 steps
 * optimizer.zeroGrad();
 * scaler.scale(loss).backward();
 * scaler.unscale(optimizer);
 * GradClip.byGlobalNorm(model.parameters(), 1.0);
 * scaler.step(optimizer);                                  // false when skipped
 * scaler.update();
 * }</pre>
 */
public final class GradScaler {

    private static final Logger LOG = LoggerFactory.getLogger(GradScaler.class);

    private final double growthFactor;
    private final double backoffFactor;
    private final int growthInterval;
    private float scale;
    private int growthTracker;
    private long skippedSteps;
    private Optimizer unscaled;
    private boolean foundInf;

    /** PyTorch's defaults: initial scale 2^16, growth factor 2, backoff 0.5, growth interval 2000. */
    public GradScaler() {
        this(65536.0, 2.0, 0.5, 2000);
    }

    /**
     * A scaler with the given settings (PyTorch's {@code GradScaler} arguments of the same names).
     *
     * @param initScale      the first loss scale, {@code > 0}
     * @param growthFactor   the scale is multiplied by it after {@code growthInterval} good steps, {@code > 1}
     * @param backoffFactor  the scale is multiplied by it after an overflow, in (0, 1)
     * @param growthInterval good steps in a row before the scale grows, {@code >= 1}
     * @throws IllegalArgumentException unless scale &gt; 0, growth &gt; 1, 0 &lt; backoff &lt; 1, interval &ge; 1
     */
    public GradScaler(double initScale, double growthFactor, double backoffFactor, int growthInterval) {
        if (!(initScale > 0) || Double.isInfinite(initScale)) {
            throw new IllegalArgumentException("initial loss scale must be positive and finite, got " + initScale);
        }
        if (!(growthFactor > 1)) {
            throw new IllegalArgumentException("growth factor must be > 1, got " + growthFactor);
        }
        if (!(backoffFactor > 0 && backoffFactor < 1)) {
            throw new IllegalArgumentException("backoff factor must be in (0, 1), got " + backoffFactor);
        }
        if (growthInterval < 1) {
            throw new IllegalArgumentException("growth interval must be >= 1, got " + growthInterval);
        }
        this.scale = (float) initScale;
        this.growthFactor = growthFactor;
        this.backoffFactor = backoffFactor;
        this.growthInterval = growthInterval;
    }

    /**
     * The loss times the current scale: call {@code backward()} on this.
     *
     * @param loss the unscaled loss, a scalar
     * @return the loss multiplied by the current scale
     */
    public Tensor scale(Tensor loss) {
        return loss.scale(scale);
    }

    /**
     * Divides every gradient of the optimizer's parameters by the scale (once per step) and notes
     * whether any of them is infinite or NaN.
     *
     * @param optimizer the optimizer whose parameters' gradients are unscaled
     */
    public void unscale(Optimizer optimizer) {
        if (unscaled == optimizer) {
            throw new IllegalStateException("unscale() was already called for this optimizer since the last update()");
        }
        float inverse = (float) (1.0 / scale);                                  // float32, as PyTorch's inv_scale
        boolean inf = false;
        for (INDArray g : optimizer.gradients()) {
            inf |= BooleanIndexing.or(g, Conditions.isNan()) || BooleanIndexing.or(g, Conditions.isInfinite());
            g.muli(inverse);
        }
        foundInf = inf;
        unscaled = optimizer;
    }

    /**
     * Takes the optimizer step unless a gradient was infinite or NaN (unscaling first if
     * {@link #unscale} was not called).
     *
     * @return true if the step was taken, false if skipped
     * @param optimizer the optimizer to step
     */
    public boolean step(Optimizer optimizer) {
        if (unscaled != optimizer) {
            unscale(optimizer);
        }
        if (foundInf) {
            skippedSteps++;
            LOG.debug("skipping the optimizer step: non-finite gradients at loss scale {}", scale);
            return false;
        }
        optimizer.step();
        return true;
    }

    /** Adjusts the scale after a step: back off after an overflow, grow after enough clean steps. */
    public void update() {
        if (unscaled == null) {
            throw new IllegalStateException("update() without a step: call step(optimizer) first");
        }
        if (foundInf) {
            scale = (float) (scale * (float) backoffFactor);
            growthTracker = 0;
        } else if (growthTracker + 1 == growthInterval) {
            float grown = (float) (scale * (float) growthFactor);
            if (Float.isFinite(grown)) {
                scale = grown;
            }
            growthTracker = 0;
        } else {
            growthTracker++;
        }
        unscaled = null;
        foundInf = false;
    }

    /**
     * The current scale.
     *
     * @return the loss scale the next step multiplies by
     */
    public double getScale() {
        return scale;
    }

    /**
     * Whether the last unscaled gradients held an infinity or NaN.
     *
     * @return true if the last unscaled gradients were not all finite
     */
    public boolean foundInf() {
        return foundInf;
    }

    /**
     * Optimizer steps skipped so far because of non-finite gradients.
     *
     * @return the number of skipped steps
     */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * The values to checkpoint.
     *
     * @return the scale and the growth tracker, for a checkpoint
     */
    public State state() {
        return new State(scale, growthTracker, skippedSteps);
    }

    /**
     * Continues from a checkpointed state.
     *
     * @param s a state from {@link #state()}
     */
    public void loadState(State s) {
        if (!(s.scale() > 0) || s.growthTracker() < 0 || s.skippedSteps() < 0) {
            throw new IllegalArgumentException("invalid loss scaler state " + s);
        }
        scale = (float) s.scale();
        growthTracker = s.growthTracker();
        skippedSteps = s.skippedSteps();
        unscaled = null;
        foundInf = false;
    }

    /**
     * A scaler's checkpointed values.
     *
     * @param scale         the loss scale
     * @param growthTracker clean steps since the scale last changed
     * @param skippedSteps  steps skipped so far
     */
    public record State(double scale, int growthTracker, long skippedSteps) {
    }
}
