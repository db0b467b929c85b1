package org.decoder4j.rl;

/**
 * Generalised advantage estimation (Schulman et al., 2016) over one completion, and the whitening
 * PPO applies to advantages.
 *
 * <pre>{@code
 * Advantages a = Advantages.gae(rewards, values, 1.0, 0.95);   // per generated token
 * double[] returns = a.returns();                              // advantages + values: the value targets
 * }</pre>
 *
 * @param advantages {@code A_t = Σ_k (γλ)^k δ_{t+k}} with {@code δ_t = r_t + γ·V_{t+1} − V_t} and
 *                   {@code V} = 0 after the last token
 * @param returns    {@code A_t + V_t}
 */
public record Advantages(double[] advantages, double[] returns) {

    /**
     * GAE over one sequence of per-token rewards and value estimates of equal length.
     *
     * @param rewards the reward at each token
     * @param values the value estimate at each token
     * @param gamma the discount γ
     * @param lambda GAE's λ
     * @return the advantages and returns
     */
    public static Advantages gae(double[] rewards, double[] values, double gamma, double lambda) {
        if (rewards.length != values.length) {
            throw new IllegalArgumentException("GAE needs as many values as rewards, got " + values.length + " and "
                    + rewards.length);
        }
        int n = rewards.length;
        double[] adv = new double[n];
        double[] ret = new double[n];
        double last = 0;
        for (int t = n - 1; t >= 0; t--) {
            double next = t + 1 < n ? values[t + 1] : 0;
            double delta = rewards[t] + gamma * next - values[t];
            last = delta + gamma * lambda * last;
            adv[t] = last;
            ret[t] = last + values[t];
        }
        return new Advantages(adv, ret);
    }

    /**
     * In place: {@code (x − mean) / sqrt(var + 1e-8)} with the unbiased variance over all
     * values, as TRL's {@code masked_whiten} over the masked tokens.
     *
     * @param x the values to whiten, overwritten
     */
    public static void whiten(double[] x) {
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("whitening needs at least 2 values, got " + n);
        }
        double mean = 0;
        for (double v : x) {
            mean += v / n;
        }
        double ss = 0;
        for (double v : x) {
            ss += (v - mean) * (v - mean);
        }
        double scale = 1 / Math.sqrt(ss / (n - 1) + 1e-8);
        for (int i = 0; i < n; i++) {
            x[i] = (x[i] - mean) * scale;
        }
    }
}
