package org.decoder4j.rl;

/**
 * One sampled completion of a prompt and its reward.
 *
 * @param prompt         the prompt's token ids
 * @param completion     the generated token ids (after the prompt)
 * @param promptText     the prompt, decoded
 * @param completionText the completion, decoded
 * @param reward         the reward function's score
 */
public record Rollout(int[] prompt, int[] completion, String promptText, String completionText, double reward) {

    /**
     * Checks that prompt and completion are not empty and keeps copies of them.
     *
     * @param prompt         the prompt's token ids
     * @param completion     the generated token ids (after the prompt)
     * @param promptText     the prompt, decoded
     * @param completionText the completion, decoded
     * @param reward         the reward function's score
     * @throws IllegalArgumentException if either is empty
     */
    public Rollout {
        if (prompt.length == 0 || completion.length == 0) {
            throw new IllegalArgumentException("a rollout needs a non-empty prompt and completion, got "
                    + prompt.length + " and " + completion.length + " tokens");
        }
        prompt = prompt.clone();
        completion = completion.clone();
    }
}
