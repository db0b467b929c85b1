package org.decoder4j.rl;

/**
 * What one PPO step did (TRL's log names in brackets).
 *
 * @param step         0-based step index
 * @param meanReward   mean score of the step's rollouts ({@code env/reward_mean})
 * @param kl           mean over rollouts of Σ_t (log p − log p_ref) at rollout time ({@code objective/kl})
 * @param klCoef       the KL coefficient β used in this step ({@code objective/kl_coef})
 * @param entropy      mean per-token entropy of the policy over the generated tokens, nats
 * @param clipFraction mean share of clipped policy terms over the updates ({@code ppo/policy/clipfrac})
 * @param valueLoss    mean value loss over the updates ({@code ppo/loss/value})
 * @param policyLoss   mean policy loss over the updates ({@code ppo/loss/policy})
 * @param approxKl     mean of 0.5·(log p − log p_old)² over the updates ({@code ppo/policy/approxkl})
 */
public record PpoStepStats(long step, double meanReward, double kl, double klCoef, double entropy,
                           double clipFraction, double valueLoss, double policyLoss, double approxKl) {
}
