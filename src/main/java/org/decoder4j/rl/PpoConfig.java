package org.decoder4j.rl;

/**
 * PPO's settings, named and defaulted as TRL's {@code PPOConfig} (0.4): change one with its
 * {@code with...} method.
 *
 * <pre>{@code
 * PpoConfig c = PpoConfig.defaults().withLearningRate(1e-4).withBatchSize(16).withMiniBatchSize(4);
 * }</pre>
 *
 * @param learningRate   Adam's learning rate (TRL {@code learning_rate}, 1e-5)
 * @param adapKlCtrl     adapt the KL coefficient toward {@code target} (true)
 * @param initKlCoef     initial (or fixed) KL coefficient β (0.2)
 * @param target         target KL of the adaptive controller, nats per completion (6)
 * @param horizon        horizon of the adaptive controller, in samples (10000)
 * @param gamma          discount γ of GAE (1)
 * @param lam            λ of GAE (0.95)
 * @param cliprange      ε of the policy ratio (0.2)
 * @param cliprangeValue clip range of the value estimates (0.2)
 * @param vfCoef         weight of the value loss (0.1)
 * @param batchSize      rollouts per PPO step (256)
 * @param miniBatchSize  rollouts per gradient update (1)
 * @param ppoEpochs      passes over each batch of rollouts (4)
 * @param maxGradNorm    clip the gradient norm to this; 0 for none (TRL: None)
 * @param seed           order of the minibatches (0)
 */
public record PpoConfig(double learningRate, boolean adapKlCtrl, double initKlCoef, double target, double horizon,
                        double gamma, double lam, double cliprange, double cliprangeValue, double vfCoef,
                        int batchSize, int miniBatchSize, int ppoEpochs, double maxGradNorm, long seed) {

    /**
     * Checks every setting.
     *
     * @param learningRate   Adam's learning rate (TRL {@code learning_rate}, 1e-5)
     * @param adapKlCtrl     adapt the KL coefficient toward {@code target} (true)
     * @param initKlCoef     initial (or fixed) KL coefficient β (0.2)
     * @param target         target KL of the adaptive controller, nats per completion (6)
     * @param horizon        horizon of the adaptive controller, in samples (10000)
     * @param gamma          discount γ of GAE (1)
     * @param lam            λ of GAE (0.95)
     * @param cliprange      ε of the policy ratio (0.2)
     * @param cliprangeValue clip range of the value estimates (0.2)
     * @param vfCoef         weight of the value loss (0.1)
     * @param batchSize      rollouts per PPO step (256)
     * @param miniBatchSize  rollouts per gradient update (1)
     * @param ppoEpochs      passes over each batch of rollouts (4)
     * @param maxGradNorm    clip the gradient norm to this; 0 for none (TRL: None)
     * @param seed           order of the minibatches (0)
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public PpoConfig {
        check(learningRate > 0, "learning rate must be > 0, got " + learningRate);
        check(initKlCoef >= 0, "init KL coefficient must be >= 0, got " + initKlCoef);
        check(target > 0 && horizon > 0, "KL target and horizon must be > 0, got " + target + " and " + horizon);
        check(gamma >= 0 && gamma <= 1 && lam >= 0 && lam <= 1, "gamma and lam must be in [0, 1], got " + gamma
                + " and " + lam);
        check(cliprange > 0 && cliprangeValue > 0, "clip ranges must be > 0, got " + cliprange + " and "
                + cliprangeValue);
        check(vfCoef >= 0, "vf_coef must be >= 0, got " + vfCoef);
        check(batchSize >= 1 && miniBatchSize >= 1 && miniBatchSize <= batchSize,
                "need 1 <= mini batch size <= batch size, got " + miniBatchSize + " and " + batchSize);
        check(ppoEpochs >= 1, "ppo epochs must be >= 1, got " + ppoEpochs);
        check(maxGradNorm >= 0, "max grad norm must be >= 0, got " + maxGradNorm);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * TRL's defaults.
     *
     * @return the default settings
     */
    public static PpoConfig defaults() {
        return new PpoConfig(1e-5, true, 0.2, 6, 10000, 1, 0.95, 0.2, 0.2, 0.1, 256, 1, 4, 0, 0);
    }

    /**
     * The KL controller these settings describe.
     *
     * @return the controller
     */
    public KlController klController() {
        return adapKlCtrl ? KlController.adaptive(initKlCoef, target, horizon) : KlController.fixed(initKlCoef);
    }

    /**
     * The same settings with another learning rate.
     *
     * @param v the learning rate, {@code > 0}
     * @return the new settings
     */
    public PpoConfig withLearningRate(double v) {
        return new PpoConfig(v, adapKlCtrl, initKlCoef, target, horizon, gamma, lam, cliprange, cliprangeValue,
                vfCoef, batchSize, miniBatchSize, ppoEpochs, maxGradNorm, seed);
    }

    /**
     * A fixed KL coefficient (adapKlCtrl false).
     *
     * @param coefficient β, {@code >= 0}
     * @return the new settings
     */
    public PpoConfig withFixedKl(double coefficient) {
        return new PpoConfig(learningRate, false, coefficient, target, horizon, gamma, lam, cliprange,
                cliprangeValue, vfCoef, batchSize, miniBatchSize, ppoEpochs, maxGradNorm, seed);
    }

    /**
     * An adaptive KL coefficient starting at {@code initial}.
     *
     * @param initial the first β
     * @param targetKl the KL to aim at, in nats per completion
     * @param horizonSamples the number of samples over which β adapts
     * @return the new settings
     */
    public PpoConfig withAdaptiveKl(double initial, double targetKl, double horizonSamples) {
        return new PpoConfig(learningRate, true, initial, targetKl, horizonSamples, gamma, lam, cliprange,
                cliprangeValue, vfCoef, batchSize, miniBatchSize, ppoEpochs, maxGradNorm, seed);
    }

    /**
     * The same settings with another discount and GAE λ.
     *
     * @param g the discount γ, in [0, 1]
     * @param l λ, in [0, 1]
     * @return the new settings
     */
    public PpoConfig withGae(double g, double l) {
        return new PpoConfig(learningRate, adapKlCtrl, initKlCoef, target, horizon, g, l, cliprange, cliprangeValue,
                vfCoef, batchSize, miniBatchSize, ppoEpochs, maxGradNorm, seed);
    }

    /**
     * The same settings with another number of rollouts per step (the minibatch shrinks to fit).
     *
     * @param v the batch size, {@code >= 1}
     * @return the new settings
     */
    public PpoConfig withBatchSize(int v) {
        return new PpoConfig(learningRate, adapKlCtrl, initKlCoef, target, horizon, gamma, lam, cliprange,
                cliprangeValue, vfCoef, v, Math.min(miniBatchSize, v), ppoEpochs, maxGradNorm, seed);
    }

    /**
     * The same settings with another number of rollouts per gradient update.
     *
     * @param v the minibatch size, in {@code [1, batchSize]}
     * @return the new settings
     */
    public PpoConfig withMiniBatchSize(int v) {
        return new PpoConfig(learningRate, adapKlCtrl, initKlCoef, target, horizon, gamma, lam, cliprange,
                cliprangeValue, vfCoef, batchSize, v, ppoEpochs, maxGradNorm, seed);
    }

    /**
     * The same settings with another number of passes over each batch.
     *
     * @param v the passes, {@code >= 1}
     * @return the new settings
     */
    public PpoConfig withPpoEpochs(int v) {
        return new PpoConfig(learningRate, adapKlCtrl, initKlCoef, target, horizon, gamma, lam, cliprange,
                cliprangeValue, vfCoef, batchSize, miniBatchSize, v, maxGradNorm, seed);
    }

    /**
     * The same settings with another gradient clipping.
     *
     * @param v the largest gradient norm; 0 for none
     * @return the new settings
     */
    public PpoConfig withMaxGradNorm(double v) {
        return new PpoConfig(learningRate, adapKlCtrl, initKlCoef, target, horizon, gamma, lam, cliprange,
                cliprangeValue, vfCoef, batchSize, miniBatchSize, ppoEpochs, v, seed);
    }

    /**
     * The same settings with another seed of the minibatch order.
     *
     * @param v the seed
     * @return the new settings
     */
    public PpoConfig withSeed(long v) {
        return new PpoConfig(learningRate, adapKlCtrl, initKlCoef, target, horizon, gamma, lam, cliprange,
                cliprangeValue, vfCoef, batchSize, miniBatchSize, ppoEpochs, maxGradNorm, v);
    }
}
