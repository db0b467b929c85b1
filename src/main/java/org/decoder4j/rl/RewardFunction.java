package org.decoder4j.rl;

/**
 * Scores one generated completion of a prompt; reinforcement learning raises the expected score.
 *
 * <pre>{@code
 * RewardFunction mentionsLove = (prompt, completion) -> completion.contains("love") ? 1.0 : 0.0;
 * }</pre>
 */
@FunctionalInterface
public interface RewardFunction {

    /**
     * The reward of {@code completion} (the generated text only) given {@code prompt}.
     *
     * @param prompt the prompt text
     * @param completion the generated text
     * @return the reward
     */
    double reward(String prompt, String completion);
}
