package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.List;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Stochastic gradient descent with PyTorch's rule ({@code torch.optim.SGD}):
 *
 * <pre>
 * g ← g + λ·p                                   (weight decay, coupled)
 * b ← g on the first step, else μ·b + (1 − τ)·g (momentum μ, dampening τ)
 * g ← g + μ·b if Nesterov, else b
 * p ← p − lr·g
 * </pre>
 *
 * <pre>{@code
 * Optimizer sgd = SGD.lr(0.05).momentum(0.9).nesterov(true).create(model.parameters());
 * }</pre>
 */
public final class SGD extends GroupedOptimizer {

    private static final String MOMENTUM_BUFFER = "momentum_buffer";

    private final Settings settings;

    private SGD(List<ParameterGroup> groups, Settings settings) {
        super(groups);
        this.settings = settings;
    }

    /**
     * Plain SGD with the given learning rate (no momentum, no weight decay).
     *
     * @param lr the learning rate
     * @return SGD's settings
     */
    public static Settings lr(double lr) {
        return new Settings(lr, 0, 0, 0, false);
    }

    @Override
    void update(ParameterGroup group, Tensor key, INDArray w, INDArray g) {
        double wd = group.weightDecay();
        double mu = settings.momentum;
        if (wd != 0) {
            g = w.mul(wd).addi(g);                                               // g ← g + λ·p
        }
        if (mu != 0) {
            INDArray buffer = slots.get(key, MOMENTUM_BUFFER);
            if (buffer == null) {
                buffer = slots.putCopy(key, MOMENTUM_BUFFER, g);                 // b ← g
            } else {
                buffer.muli(mu).addi(g.mul(1 - settings.dampening));             // b ← μb + (1−τ)g
            }
            g = settings.nesterov ? g.add(buffer.mul(mu)) : buffer;              // g ← g + μb | b
        }
        w.subi(g.mul(group.lr()));                                               // p ← p − lr·g
    }

    /** The hyper-parameters, immutable; each setter returns a copy. */
    public static final class Settings implements OptimizerSettings {
        private final double lr;
        private final double momentum;
        private final double dampening;
        private final double weightDecay;
        private final boolean nesterov;

        Settings(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
            if (!(lr >= 0)) {
                throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
            }
            if (!(momentum >= 0)) {
                throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            if (!Double.isFinite(dampening)) {
                throw new IllegalArgumentException("dampening must be finite, got " + dampening);
            }
            this.lr = lr;
            this.momentum = momentum;
            this.dampening = dampening;
            this.weightDecay = weightDecay;
            this.nesterov = nesterov;
        }

        /**
         * The same settings with momentum (default 0).
         *
         * @param m the momentum factor, {@code >= 0}
         * @return the new settings
         */
        public Settings momentum(double m) {
            return new Settings(lr, m, dampening, weightDecay, nesterov);
        }

        /**
         * The same settings with another dampening of the momentum (default 0).
         *
         * @param d the dampening
         * @return the new settings
         */
        public Settings dampening(double d) {
            return new Settings(lr, momentum, d, weightDecay, nesterov);
        }

        /**
         * The same settings with another L2 weight decay.
         *
         * @param wd the weight decay, {@code >= 0}
         * @return the new settings
         */
        public Settings weightDecay(double wd) {
            return new Settings(lr, momentum, dampening, wd, nesterov);
        }

        /**
         * The same settings with or without Nesterov momentum.
         *
         * @param on whether to use Nesterov momentum
         * @return the new settings
         */
        public Settings nesterov(boolean on) {
            return new Settings(lr, momentum, dampening, weightDecay, on);
        }

        /**
         * The same settings with another learning rate.
         *
         * @param newLr the learning rate, {@code >= 0}
         * @return the new settings
         */
        public Settings lr(double newLr) {
            return new Settings(newLr, momentum, dampening, weightDecay, nesterov);
        }

        @Override
        public double lr() {
            return lr;
        }

        @Override
        public double weightDecay() {
            return weightDecay;
        }

        /**
         * The momentum factor.
         *
         * @return the momentum
         */
        public double momentum() {
            return momentum;
        }

        @Override
        public Optimizer create(List<ParameterGroup> groups) {
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("Nesterov momentum requires momentum > 0 and dampening 0, got "
                        + "momentum " + momentum + " and dampening " + dampening);
            }
            return new SGD(new ArrayList<>(groups), this);
        }

        @Override
        public String toString() {
            return "SGD(lr=" + lr + ", momentum=" + momentum + ", dampening=" + dampening + ", weight_decay="
                    + weightDecay + (nesterov ? ", nesterov" : "") + ")";
        }
    }
}
