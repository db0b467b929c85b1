package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.List;
import org.decoder4j.tensor.OptimizerKernels;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam and AdamW with PyTorch's update rule ({@code torch.optim.Adam} / {@code AdamW}, single
 * tensor path):
 *
 * <pre>
 * AdamW:  p ← p·(1 − lr·λ)                       (decoupled weight decay)
 * Adam:   g ← g + λ·p                            (L2 penalty in the gradient)
 *         m ← β₁·m + (1 − β₁)·g
 *         v ← β₂·v + (1 − β₂)·g²                 (amsgrad: v̂ ← max(v̂, v), used below)
 *         p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * <pre>{@code
 * Optimizer opt = AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1).create(model.parameters());
 * Optimizer l2 = Adam.lr(1e-3).weightDecay(1e-4).create(model.parameters());
 * }</pre>
 */
public final class Adam extends GroupedOptimizer {

    private final Settings settings;

    Adam(List<ParameterGroup> groups, Settings settings) {
        super(groups);
        this.settings = settings;
    }

    /**
     * Settings for Adam (L2 weight decay coupled into the gradient), starting from a learning rate.
     *
     * @param lr the learning rate
     * @return Adam's settings with PyTorch's defaults otherwise
     */
    public static Settings lr(double lr) {
        return new Settings(lr, 0.9, 0.999, 1e-8, 0.0, false, false);
    }

    @Override
    void update(ParameterGroup group, Tensor key, INDArray w, INDArray g) {
        double lr = group.lr();
        double wd = group.weightDecay();
        double b1 = settings.beta1;
        double b2 = settings.beta2;
        double bias1 = 1 - Math.pow(b1, steps);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(b2, steps));
        INDArray m = slots.zerosIfAbsent(key, "exp_avg", w);
        INDArray v = slots.zerosIfAbsent(key, "exp_avg_sq", w);
        if (!settings.amsgrad && OptimizerKernels.adamApplies(w, g, m, v)) {
            OptimizerKernels.adam(w, g, m, v, lr, wd, settings.decoupled, b1, b2, settings.eps, bias1, bias2Sqrt);
            return;
        }
        if (wd != 0) {
            if (settings.decoupled) {
                w.muli(1 - lr * wd);                                             // p ← p·(1 − lr·λ)
            } else {
                g = w.mul(wd).addi(g);                                           // g ← g + λ·p
            }
        }
        m.muli(b1).addi(g.mul(1 - b1));                                          // m ← β₁m + (1−β₁)g
        v.muli(b2).addi(g.mul(g).muli(1 - b2));                                  // v ← β₂v + (1−β₂)g²
        INDArray second = v;
        if (settings.amsgrad) {
            second = slots.zerosIfAbsent(key, "max_exp_avg_sq", w);
            Transforms.max(second, v, false);                                    // v̂ ← max(v̂, v)
        }
        INDArray denom = Transforms.sqrt(second, true).divi(bias2Sqrt).addi(settings.eps);
        w.subi(m.div(denom).muli(lr / bias1));                                   // p ← p − lr/(1−β₁ᵗ)·m/denom
    }

    /** The hyper-parameters, immutable; each setter returns a copy. */
    public static final class Settings implements OptimizerSettings {
        private final double lr;
        private final double beta1;
        private final double beta2;
        private final double eps;
        private final double weightDecay;
        private final boolean amsgrad;
        private final boolean decoupled;

        Settings(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                 boolean decoupled) {
            if (!(lr >= 0)) {
                throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
            }
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(eps >= 0)) {
                throw new IllegalArgumentException("eps must be >= 0, got " + eps);
            }
            if (!(weightDecay >= 0)) {
                throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
            }
            this.lr = lr;
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
            this.weightDecay = weightDecay;
            this.amsgrad = amsgrad;
            this.decoupled = decoupled;
        }

        /**
         * The same settings with other moment decay rates (default 0.9, 0.999).
         *
         * @param b1 the decay rate of the first moment, in [0, 1)
         * @param b2 the decay rate of the second moment, in [0, 1)
         * @return the new settings
         */
        public Settings betas(double b1, double b2) {
            return new Settings(lr, b1, b2, eps, weightDecay, amsgrad, decoupled);
        }

        /**
         * The same settings with another term added to the denominator (default 1e-8).
         *
         * @param e epsilon, {@code >= 0}
         * @return the new settings
         */
        public Settings eps(double e) {
            return new Settings(lr, beta1, beta2, e, weightDecay, amsgrad, decoupled);
        }

        /**
         * The same settings with another weight decay.
         *
         * @param wd the weight decay, {@code >= 0}
         * @return the new settings
         */
        public Settings weightDecay(double wd) {
            return new Settings(lr, beta1, beta2, eps, wd, amsgrad, decoupled);
        }

        /**
         * The same settings with or without AMSGrad (default without).
         *
         * @param on whether to keep the maximum of the second moments
         * @return the new settings
         */
        public Settings amsgrad(boolean on) {
            return new Settings(lr, beta1, beta2, eps, weightDecay, on, decoupled);
        }

        /**
         * The same settings with another learning rate.
         *
         * @param newLr the learning rate, {@code >= 0}
         * @return the new settings
         */
        public Settings lr(double newLr) {
            return new Settings(newLr, beta1, beta2, eps, weightDecay, amsgrad, decoupled);
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
         * The decay rate of the first moment.
         *
         * @return beta1
         */
        public double beta1() {
            return beta1;
        }

        /**
         * The decay rate of the second moment.
         *
         * @return beta2
         */
        public double beta2() {
            return beta2;
        }

        /**
         * The term added to the denominator.
         *
         * @return eps
         */
        public double eps() {
            return eps;
        }

        /**
         * Whether the weight decay is decoupled from the gradient (AdamW) rather than added to it (Adam).
         *
         * @return true for AdamW
         */
        public boolean isDecoupled() {
            return decoupled;
        }

        @Override
        public Optimizer create(List<ParameterGroup> groups) {
            return new Adam(new ArrayList<>(groups), this);
        }

        @Override
        public String toString() {
            return (decoupled ? "AdamW" : "Adam") + "(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps
                    + ", weight_decay=" + weightDecay + (amsgrad ? ", amsgrad" : "") + ")";
        }
    }
}
