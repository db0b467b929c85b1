package org.decoder4j.generate;

/**
 * The model's logits for the token after a sequence, over the last {@code contextLength} tokens
 * of it when it is longer (nanoGPT's left crop). Implementations may keep state between calls on
 * one growing sequence; close them to free it.
 */
interface NextTokenLogits extends AutoCloseable {

    /**
     * @param sequence the tokens so far, {@code sequence[0…length−1]}, extending the previous call's
     * @return logits {@code [V]} for position {@code length}
     */
    double[] next(int[] sequence, int length);

    @Override
    void close();
}
