package org.decoder4j.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.decoder4j.data.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;

/**
 * Samples completions from the current policy with the generation module and scores them. Every
 * completion is exactly {@code completionLength} tokens (there is no end-of-text token to stop
 * at); draw {@code i} of the sampler uses seed {@code sampling.seed() + i}, so a run is repeatable.
 *
 * <pre>{@code
 * RolloutSampler sampler = new RolloutSampler(tokenizer, Sampling.random().seed(1), 24, reward);
 * List<Rollout> batch = sampler.sample(policy, List.of("ROMEO:\n", "JULIET:\n"));
 * }</pre>
 */
public final class RolloutSampler {

    private final Tokenizer tokenizer;
    private final Sampling sampling;
    private final int completionLength;
    private final RewardFunction reward;
    private long draws;

    public RolloutSampler(Tokenizer tokenizer, Sampling sampling, int completionLength, RewardFunction reward) {
        if (completionLength < 1) {
            throw new IllegalArgumentException("completion length must be >= 1, got " + completionLength);
        }
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.completionLength = completionLength;
        this.reward = Objects.requireNonNull(reward, "reward");
    }

    /** One rollout per prompt, from {@code policy} as it is now. */
    public List<Rollout> sample(GPT policy, List<String> prompts) {
        List<Rollout> out = new ArrayList<>();
        Generator generator = Generator.of(policy);
        for (String prompt : prompts) {
            int[] ids = tokenizer.encode(prompt);
            if (ids.length + completionLength > policy.config().contextLength() + 1) {
                throw new IllegalArgumentException("prompt of " + ids.length + " tokens plus " + completionLength
                        + " generated ones does not fit the model's context " + policy.config().contextLength());
            }
            int[] all = generator.generate(ids, sampling.seed(sampling.seed() + draws++), completionLength, t -> { });
            int[] completion = Arrays.copyOfRange(all, ids.length, all.length);
            String text = tokenizer.decode(completion);
            out.add(new Rollout(ids, completion, prompt, text, reward.reward(prompt, text)));
        }
        return out;
    }

    public int completionLength() {
        return completionLength;
    }
}
