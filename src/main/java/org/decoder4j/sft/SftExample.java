package org.decoder4j.sft;

import java.util.Arrays;
import org.decoder4j.loss.Loss;

/**
 * A templated dialogue as tokens, with the loss mask: {@code trained[i]} says whether token
 * {@code i} is one the model learns to predict (the assistant's words and the end of its turns).
 *
 * <pre>{@code
 * SftExample e = template.render(dialogue, tokenizer);
 * long[] targets = e.targets();     // tokens[1..] where trained, Loss.IGNORE_INDEX elsewhere
 * }</pre>
 *
 * @param tokens  the token ids of the whole rendered dialogue
 * @param trained one flag per token: true where the token is predicted with a loss
 */
public record SftExample(int[] tokens, boolean[] trained) {

    /**
     * Checks the mask's length and keeps copies of both arrays.
     *
     * @param tokens  the token ids of the whole rendered dialogue
     * @param trained one flag per token: true where the token is predicted with a loss
     * @throws IllegalArgumentException if the lengths differ
     */
    public SftExample {
        if (tokens.length != trained.length) {
            throw new IllegalArgumentException("tokens and mask differ in length: " + tokens.length + " and "
                    + trained.length);
        }
        tokens = tokens.clone();
        trained = trained.clone();
    }

    /**
     * Number of tokens.
     *
     * @return the token count
     */
    public int length() {
        return tokens.length;
    }

    /**
     * Number of tokens that carry a loss (the first token never does: nothing predicts it).
     *
     * @return the trained token count
     */
    public int trainedCount() {
        int n = 0;
        for (int i = 1; i < trained.length; i++) {
            n += trained[i] ? 1 : 0;
        }
        return n;
    }

    /**
     * The model's inputs: every token but the last, {@code [n-1]}.
     *
     * @return n-1 token ids
     */
    public long[] inputs() {
        long[] in = new long[Math.max(0, tokens.length - 1)];
        for (int i = 0; i < in.length; i++) {
            in[i] = tokens[i];
        }
        return in;
    }

    /**
     * Next-token targets aligned with {@link #inputs()}: the token where trained, else the ignore index.
     *
     * @return n-1 target ids
     */
    public long[] targets() {
        long[] out = new long[Math.max(0, tokens.length - 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = trained[i + 1] ? tokens[i + 1] : Loss.IGNORE_INDEX;
        }
        return out;
    }

    /**
     * The first {@code maxTokens} tokens and their flags (the whole example if it is shorter).
     *
     * @param maxTokens the most tokens to keep
     * @return the truncated example
     */
    public SftExample truncate(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
        }
        if (tokens.length <= maxTokens) {
            return this;
        }
        return new SftExample(Arrays.copyOf(tokens, maxTokens), Arrays.copyOf(trained, maxTokens));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SftExample e && Arrays.equals(tokens, e.tokens) && Arrays.equals(trained, e.trained);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Arrays.hashCode(trained);
    }

    @Override
    public String toString() {
        return "SftExample(" + tokens.length + " tokens, " + trainedCount() + " trained)";
    }
}
