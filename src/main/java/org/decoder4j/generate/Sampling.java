package org.decoder4j.generate;

/**
 * How the next token is chosen from the model's logits: temperature, top-k and top-p (nucleus)
 * filtering, and the seed of the random draw. Greedy decoding takes the most likely token.
 *
 * <pre>{@code
 * Sampling s = Sampling.topK(40).temperature(0.8).seed(7);
 * Sampling g = Sampling.greedy();
 * }</pre>
 *
 * @param temperature logits are divided by it; 0 means greedy
 * @param topK        keep the k most likely tokens; 0 keeps all
 * @param topP        keep the smallest set whose probability reaches p; 1 keeps all
 * @param seed        seed of the draw: the same seed gives the same text
 */
public record Sampling(double temperature, int topK, double topP, long seed) {

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
    }

    /** Always the most likely token. */
    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 0);
    }

    /** Temperature 1 over the k most likely tokens. */
    public static Sampling topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-k must be >= 1, got " + k);
        }
        return new Sampling(1, k, 1, 0);
    }

    /** Temperature 1 over the whole vocabulary. */
    public static Sampling random() {
        return new Sampling(1, 0, 1, 0);
    }

    public Sampling temperature(double t) {
        return new Sampling(t, topK, topP, seed);
    }

    public Sampling topP(double p) {
        return new Sampling(temperature, topK, p, seed);
    }

    public Sampling seed(long s) {
        return new Sampling(temperature, topK, topP, s);
    }

    public Sampling withTopK(int k) {
        return new Sampling(temperature, k, topP, seed);
    }
}
