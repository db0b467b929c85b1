package org.decoder4j.nn;

import java.io.Serializable;

/**
 * The shape of a GPT: vocabulary, context length, depth and width, regularisation.
 *
 * <pre>{@code
 * GPTConfig config = new GPTConfig(65, 64, 4, 4, 128, 0.0, 1e-5, Activation.GELU_TANH);
 * }</pre>
 *
 * <p>Serializable, so that a shape can travel to other processes (the workers of data-parallel
 * training build their model replicas from it). It is left out of the serialized-form page: its
 * serial form is the record's components.
 *
 * @serial exclude
 *
 * @param vocabSize        number of token ids
 * @param contextLength    maximum sequence length (GPT-2's {@code n_positions})
 * @param layers           number of decoder blocks
 * @param heads            attention heads per block; must divide {@code embeddingSize}
 * @param embeddingSize    channels C
 * @param dropout          dropout on embeddings, attention weights and residual branches
 * @param layerNormEpsilon ε of every layer norm
 * @param activation       the feed-forward activation
 */
public record GPTConfig(int vocabSize, int contextLength, int layers, int heads, int embeddingSize,
                        double dropout, double layerNormEpsilon, Activation activation) implements Serializable {

    /**
     * Checks the shape.
     *
     * @param vocabSize        number of token ids
     * @param contextLength    maximum sequence length (GPT-2's {@code n_positions})
     * @param layers           number of decoder blocks
     * @param heads            attention heads per block; must divide {@code embeddingSize}
     * @param embeddingSize    channels C
     * @param dropout          dropout on embeddings, attention weights and residual branches
     * @param layerNormEpsilon ε of every layer norm
     * @param activation       the feed-forward activation
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public GPTConfig {
        positive("vocabSize", vocabSize);
        positive("contextLength", contextLength);
        positive("layers", layers);
        positive("heads", heads);
        positive("embeddingSize", embeddingSize);
        if (embeddingSize % heads != 0) {
            throw new IllegalArgumentException("embeddingSize " + embeddingSize + " is not divisible by heads " + heads);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        if (!(layerNormEpsilon > 0)) {
            throw new IllegalArgumentException("layerNormEpsilon must be positive, got " + layerNormEpsilon);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation is required");
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /**
     * Channels per head.
     *
     * @return C / heads
     */
    public int headSize() {
        return embeddingSize / heads;
    }

    /**
     * GPT-2's scaled init for projections that write into the residual stream: 0.02/√(2·layers).
     *
     * @return the standard deviation
     */
    public double residualProjectionStd() {
        return 0.02 / Math.sqrt(2.0 * layers);
    }

    /**
     * A copy with another dropout probability (for fine-tuning a loaded model).
     *
     * @param p the dropout probability, in [0, 1)
     * @return the new configuration
     */
    public GPTConfig withDropout(double p) {
        return new GPTConfig(vocabSize, contextLength, layers, heads, embeddingSize, p, layerNormEpsilon, activation);
    }

    /**
     * Checks a sequence length against this model's context, as the trainer and the evaluator do
     * before cutting windows.
     *
     * <pre>{@code
     * int t = config.checkContext(64);   // 64, or IllegalArgumentException beyond n_positions
     * }</pre>
     *
     * @param t the tokens per window
     * @return {@code t}
     * @throws IllegalArgumentException unless {@code 1 <= t <= contextLength()}
     */
    public int checkContext(int t) {
        if (t <= 0 || t > contextLength) {
            throw new IllegalArgumentException("context " + t + " must be in [1, " + contextLength
                    + "] (the model's n_positions)");
        }
        return t;
    }
}
