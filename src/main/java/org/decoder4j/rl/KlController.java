package org.decoder4j.rl;

/**
 * The coefficient β of PPO's per-token KL penalty {@code −β·(log p − log p_ref)}: fixed, or
 * adapted toward a target KL as in Ziegler et al. (2019), TRL's {@code AdaptiveKLController}.
 *
 * <pre>{@code
 * KlController fixed = KlController.fixed(0.2);
 * KlController adaptive = KlController.adaptive(0.2, 6.0, 10000);   // init_kl_coef, target, horizon
 * adaptive.update(observedKl, batchSize);
 * }</pre>
 */
public interface KlController {

    /**
     * The current coefficient β.
     *
     * @return β
     */
    double value();

    /**
     * Adjusts β after a step whose rollouts had mean KL {@code kl} to the reference, over {@code nSteps} samples.
     *
     * @param kl the mean KL of the step's rollouts, in nats
     * @param nSteps the number of rollouts of the step
     */
    void update(double kl, long nSteps);

    /**
     * A constant β.
     *
     * @param coefficient β, {@code >= 0}
     * @return the controller
     */
    static KlController fixed(double coefficient) {
        if (!(coefficient >= 0)) {
            throw new IllegalArgumentException("KL coefficient must be >= 0, got " + coefficient);
        }
        return new KlController() {
            public double value() {
                return coefficient;
            }

            public void update(double kl, long nSteps) {
            }
        };
    }

    /**
     * β multiplied each step by {@code 1 + clip(kl/target − 1, −0.2, 0.2) · nSteps/horizon}: it
     * grows while the KL is above target and shrinks while below.
     *
     * @param initial the first β
     * @param target the KL to aim at, in nats
     * @param horizon the number of samples over which β adapts
     * @return the controller
     */
    static KlController adaptive(double initial, double target, double horizon) {
        if (!(initial >= 0) || !(target > 0) || !(horizon > 0)) {
            throw new IllegalArgumentException("adaptive KL needs initial >= 0, target > 0 and horizon > 0, got "
                    + initial + ", " + target + ", " + horizon);
        }
        return new KlController() {
            private double beta = initial;

            public double value() {
                return beta;
            }

            public void update(double kl, long nSteps) {
                double error = Math.max(-0.2, Math.min(0.2, kl / target - 1));
                beta *= 1 + error * nSteps / horizon;
            }
        };
    }
}
