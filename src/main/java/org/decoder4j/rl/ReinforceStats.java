package org.decoder4j.rl;

/**
 * What one REINFORCE step did.
 *
 * @param step       0-based step index
 * @param meanReward mean reward of the step's rollouts
 * @param baseline   the baseline subtracted from each reward (0 without one)
 * @param loss       the loss that was minimised
 */
public record ReinforceStats(long step, double meanReward, double baseline, double loss) {
}
