package org.decoder4j.generate;

/**
 * How the next token is chosen from the model's logits. In order: the repetition penalty, then
 * the temperature, then top-k and top-p (nucleus) filtering, then a draw seeded by {@code seed};
 * temperature 0 takes the most likely token after the penalty (greedy). Each step follows
 * Hugging Face's logits processor of the same name; see {@code docs/generation.md}.
 *
 * <pre>{@code
 * Sampling s = Sampling.topK(40).temperature(0.8).topP(0.95).repetitionPenalty(1.2).seed(7);
 * Sampling g = Sampling.greedy();
 * }</pre>
 *
 * @param temperature       logits are divided by it; 0 means greedy
 * @param topK              keep the k most likely tokens (and any tied with the k-th); 0 keeps all
 * @param topP              keep the smallest set of most likely tokens whose probability reaches
 *                          p, at least one; 1 keeps all
 * @param repetitionPenalty over every token already in the sequence, prompt included: positive
 *                          logits are divided by it, negative ones multiplied; 1 changes nothing
 * @param seed              seed of the draw: the same seed gives the same text
 */
public record Sampling(double temperature, int topK, double topP, double repetitionPenalty, long seed) {

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
    }

    /** Without a repetition penalty (1). */
    public Sampling(double temperature, int topK, double topP, long seed) {
        this(temperature, topK, topP, 1.0, seed);
    }

    /** Always the most likely token. */
    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 1, 0);
    }

    /** Temperature 1 over the k most likely tokens. */
    public static Sampling topK(int k) {
        checkTopK(k);
        return new Sampling(1, k, 1, 1, 0);
    }

    /** Temperature 1 over the whole vocabulary. */
    public static Sampling random() {
        return new Sampling(1, 0, 1, 1, 0);
    }

    public Sampling temperature(double t) {
        return new Sampling(t, topK, topP, repetitionPenalty, seed);
    }

    /** Nucleus filtering with threshold {@code p} in (0, 1]. */
    public Sampling topP(double p) {
        return new Sampling(temperature, topK, p, repetitionPenalty, seed);
    }

    public Sampling repetitionPenalty(double penalty) {
        return new Sampling(temperature, topK, topP, penalty, seed);
    }

    public Sampling seed(long s) {
        return new Sampling(temperature, topK, topP, repetitionPenalty, s);
    }

    /** Top-k filtering with {@code k >= 1}. */
    public Sampling withTopK(int k) {
        checkTopK(k);
        return new Sampling(temperature, k, topP, repetitionPenalty, seed);
    }

    /** The same policy without a top-k limit. */
    public Sampling withoutTopK() {
        return new Sampling(temperature, 0, topP, repetitionPenalty, seed);
    }

    /** Whether the choice is the most likely token, with no random draw. */
    public boolean isGreedy() {
        return temperature == 0;
    }

    private static void checkTopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be >= 1, got " + k);
        }
    }
}
