package org.decoder4j.amp;

import java.util.Objects;

/**
 * The precision of a run and its loss-scaling policy, as one value: which {@link Precision} the
 * matrix products run in, and whether the loss is scaled, by a given {@link GradScaler} or by a
 * default one. Float16 without loss scaling is refused (its small gradients flush to zero);
 * float32 and bfloat16 scale only when a scaler is given.
 *
 * <pre>{@code
 * MixedPrecision fp16 = MixedPrecision.of(Precision.FP16_MIXED);          // PyTorch's default scaler
 * MixedPrecision bf16 = MixedPrecision.of(Precision.BF16_MIXED);          // no loss scaling
 * MixedPrecision tuned = fp16.withScaler(new GradScaler(1e6, 2, 0.5, 2)); // a scaler of one's own
 * GradScaler scaler = fp16.newScaler();                                   // one per run
 * }</pre>
 *
 * @param precision   the precision of the matrix products
 * @param lossScaling false to turn loss scaling off (refused by {@link #newScaler()} with fp16)
 * @param scaler      the scaler to use, or null for the default policy (a new {@link GradScaler}
 *                    with PyTorch's defaults when the precision needs one)
 */
public record MixedPrecision(Precision precision, boolean lossScaling, GradScaler scaler) {

    /** Float32 throughout, no loss scaling: the default of a run. */
    public static final MixedPrecision FP32 = of(Precision.FP32);

    /**
     * Checks the components.
     *
     * @param precision   the precision of the matrix products
     * @param lossScaling whether the loss is scaled
     * @param scaler      the given scaler, or null
     */
    public MixedPrecision {
        Objects.requireNonNull(precision, "precision");
        if (scaler != null && !lossScaling) {
            throw new IllegalArgumentException("a GradScaler was given with loss scaling off");
        }
    }

    /**
     * The precision with its default loss scaling (a new default scaler for fp16, none otherwise).
     *
     * @param precision the precision of the matrix products
     * @return the policy
     */
    public static MixedPrecision of(Precision precision) {
        return new MixedPrecision(precision, true, null);
    }

    /**
     * The same loss-scaling policy with another precision.
     *
     * @param p the precision of the matrix products
     * @return the policy
     */
    public MixedPrecision withPrecision(Precision p) {
        return new MixedPrecision(p, lossScaling, scaler);
    }

    /**
     * The same precision, scaling the loss with {@code s} (with any precision).
     *
     * @param s the loss scaler
     * @return the policy
     */
    public MixedPrecision withScaler(GradScaler s) {
        return new MixedPrecision(precision, true, Objects.requireNonNull(s, "scaler"));
    }

    /**
     * The same precision without loss scaling; {@link #newScaler()} refuses it with fp16.
     *
     * @return the policy
     */
    public MixedPrecision withoutLossScaling() {
        return new MixedPrecision(precision, false, null);
    }

    /**
     * The scaler of a run under this policy, made once at its start: the given one, a new default
     * one when the precision needs loss scaling, else null.
     *
     * @return the scaler, or null for none
     * @throws IllegalStateException for fp16 with loss scaling off
     */
    public GradScaler newScaler() {
        if (precision.needsLossScaling() && !lossScaling) {
            throw new IllegalStateException("fp16 mixed precision needs loss scaling: without it small float16 "
                    + "gradients flush to zero; use bf16, or keep the GradScaler");
        }
        if (scaler != null) {
            return scaler;
        }
        return precision.needsLossScaling() ? new GradScaler() : null;
    }
}
