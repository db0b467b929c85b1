package org.decoder4j.optim;

/**
 * Adam with decoupled weight decay ({@code torch.optim.AdamW}); defaults as PyTorch's:
 * betas (0.9, 0.999), eps 1e-8, weight decay 0.01.
 *
 * <pre>{@code
 * Optimizer opt = AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1).create(model.parameters());
 * }</pre>
 */
public final class AdamW {

    private AdamW() {
    }

    /**
     * AdamW settings with the given learning rate and PyTorch's other defaults.
     *
     * @param lr the learning rate
     * @return AdamW's settings
     */
    public static Adam.Settings lr(double lr) {
        return new Adam.Settings(lr, 0.9, 0.999, 1e-8, 0.01, false, true);
    }
}
