package org.decoder4j.generate;

import java.util.Objects;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * How the next token is chosen from the model's logits. In order: the repetition penalty, then
 * the temperature, then top-k and top-p (nucleus) filtering, then a random draw; temperature 0
 * takes the most likely token after the penalty (greedy). Each step follows Hugging Face's logits
 * processor of the same name; see {@code docs/generation.md}.
 *
 * <p>Start from {@link #random()} (temperature 1, the whole vocabulary) or {@link #greedy()} and
 * chain the settings; every method below returns a new value, in any order:
 *
 * <pre>{@code
 * Sampling s = Sampling.random().temperature(0.8).topK(40).topP(0.95).repetitionPenalty(1.2);
 * Sampling repeatable = s.seed(7);        // the same text on every call
 * Sampling g = Sampling.greedy();
 * }</pre>
 *
 * <p><b>Seeds.</b> Without a seed, every generation draws from fresh randomness (a new
 * nondeterministically seeded generator per call), so two calls give different text, as
 * PyTorch's default generator does in a new process. With {@link #seed(long)}, the draws are
 * reproducible: the same seed, model and prompt give the same text on every call and machine.
 *
 * <p>The only static methods are the two starting points, {@link #random()} and {@link #greedy()}:
 * every setting is an instance method, so a chain never calls a static method by accident.
 *
 * @param temperature       logits are divided by it; 0 means greedy
 * @param topK              keep the k most likely tokens (and any tied with the k-th); 0 keeps all
 * @param topP              keep the smallest set of most likely tokens whose probability reaches
 *                          p, at least one; 1 keeps all
 * @param repetitionPenalty over every token already in the sequence, prompt included: positive
 *                          logits are divided by it, negative ones multiplied; 1 changes nothing
 * @param seed              seed of the draws: the same seed gives the same text; empty for fresh
 *                          randomness on every generation
 */
public record Sampling(double temperature, int topK, double topP, double repetitionPenalty, OptionalLong seed) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException if a setting is out of its range
     * @param temperature logits are divided by it; 0 means greedy
     * @param topK the number of most likely tokens kept; 0 keeps all
     * @param topP the nucleus threshold in (0, 1]; 1 keeps all
     * @param repetitionPenalty the repetition penalty, {@code > 0}; 1 changes nothing
     * @param seed the seed of the draws, or empty for fresh randomness
     */
    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 1 (or 0 for no limit), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition penalty must be a finite number > 0, got "
                    + repetitionPenalty);
        }
        Objects.requireNonNull(seed, "seed: use OptionalLong.empty() for fresh randomness");
    }

    /**
     * A seeded policy.
     *
     * @param temperature       logits are divided by it; 0 means greedy
     * @param topK              the number of most likely tokens kept; 0 keeps all
     * @param topP              the nucleus threshold in (0, 1]; 1 keeps all
     * @param repetitionPenalty the repetition penalty; 1 changes nothing
     * @param seed              seed of the draws
     */
    public Sampling(double temperature, int topK, double topP, double repetitionPenalty, long seed) {
        this(temperature, topK, topP, repetitionPenalty, OptionalLong.of(seed));
    }

    /**
     * A seeded policy without a repetition penalty (1).
     *
     * @param temperature logits are divided by it; 0 means greedy
     * @param topK        the number of most likely tokens kept; 0 keeps all
     * @param topP        the nucleus threshold in (0, 1]; 1 keeps all
     * @param seed        seed of the draws
     */
    public Sampling(double temperature, int topK, double topP, long seed) {
        this(temperature, topK, topP, 1.0, seed);
    }

    /**
     * Always the most likely token.
     *
     * @return greedy decoding, no penalty
     */
    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 1, OptionalLong.empty());
    }

    /**
     * Temperature 1 over the whole vocabulary, unseeded; the starting point of a chain.
     *
     * @return plain sampling from the model's distribution
     */
    public static Sampling random() {
        return new Sampling(1, 0, 1, 1, OptionalLong.empty());
    }

    /**
     * The same policy with another temperature.
     *
     * @param t the temperature, {@code >= 0}; 0 means greedy
     * @return the new policy
     */
    public Sampling temperature(double t) {
        return new Sampling(t, topK, topP, repetitionPenalty, seed);
    }

    /**
     * The same policy with top-k filtering.
     *
     * @param k the number of most likely tokens kept, {@code >= 1}
     * @return the new policy
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public Sampling topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be >= 1, got " + k);
        }
        return new Sampling(temperature, k, topP, repetitionPenalty, seed);
    }

    /**
     * The same policy without a top-k limit.
     *
     * @return the new policy
     */
    public Sampling withoutTopK() {
        return new Sampling(temperature, 0, topP, repetitionPenalty, seed);
    }

    /**
     * The same policy with nucleus filtering.
     *
     * @param p the threshold in (0, 1]; 1 keeps all
     * @return the new policy
     */
    public Sampling topP(double p) {
        return new Sampling(temperature, topK, p, repetitionPenalty, seed);
    }

    /**
     * The same policy with a repetition penalty.
     *
     * @param penalty the penalty, {@code > 0}; 1 changes nothing
     * @return the new policy
     */
    public Sampling repetitionPenalty(double penalty) {
        return new Sampling(temperature, topK, topP, penalty, seed);
    }

    /**
     * The same policy with reproducible draws.
     *
     * @param s the seed: the same seed gives the same text
     * @return the new policy
     */
    public Sampling seed(long s) {
        return new Sampling(temperature, topK, topP, repetitionPenalty, OptionalLong.of(s));
    }

    /**
     * The same policy drawing from fresh randomness on every generation.
     *
     * @return the new policy
     */
    public Sampling unseeded() {
        return new Sampling(temperature, topK, topP, repetitionPenalty, OptionalLong.empty());
    }

    /**
     * Whether the choice is the most likely token, with no random draw.
     *
     * @return {@code true} at temperature 0
     */
    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * The random source of one generation: seeded from {@link #seed()} when there is one, else
     * from fresh randomness.
     *
     * @return a new generator for one generation's draws
     */
    public SplittableRandom newRandom() {
        return seed.isPresent() ? new SplittableRandom(seed.getAsLong()) : new SplittableRandom();
    }
}
