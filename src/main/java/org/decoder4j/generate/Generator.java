package org.decoder4j.generate;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.decoder4j.data.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Autoregressive text generation. When the sequence outgrows the model's context, only its last
 * {@code contextLength} tokens are fed, as nanoGPT does.
 *
 * <pre>{@code
 * String text = Generator.of(model).generate(tokenizer, "ROMEO:", Sampling.topK(40).temperature(0.8), 300);
 * }</pre>
 */
public final class Generator {

    private final GPT model;

    private Generator(GPT model) {
        this.model = model;
    }

    public static Generator of(GPT model) {
        return new Generator(model);
    }

    /** The prompt followed by {@code maxNewTokens} generated tokens, decoded. */
    public String generate(Tokenizer tokenizer, String prompt, Sampling sampling, int maxNewTokens) {
        int[] ids = generate(tokenizer.encode(prompt), sampling, maxNewTokens, t -> { });
        return tokenizer.decode(ids);
    }

    /**
     * Extends {@code prompt} by {@code maxNewTokens} tokens; {@code onToken} sees each new id as it
     * is chosen.
     *
     * @return prompt and generated ids
     */
    public int[] generate(int[] prompt, Sampling sampling, int maxNewTokens, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        int vocab = model.config().vocabSize();
        for (int id : prompt) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("prompt token " + id + " is outside the vocabulary of " + vocab);
            }
        }
        int context = model.config().contextLength();
        int[] seq = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int length = prompt.length;
        SplittableRandom random = new SplittableRandom(sampling.seed());
        boolean wasTraining = model.isTraining();
        model.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            for (int n = 0; n < maxNewTokens; n++) {
                int from = Math.max(0, length - context);
                long[] window = new long[length - from];
                for (int i = from; i < length; i++) {
                    window[i - from] = seq[i];
                }
                double[] logits;
                try (MemoryScope scope = MemoryScope.open()) {
                    INDArray ids = Nd4j.createFromArray(window).reshape(1, window.length);
                    INDArray all = model.forward(ids).value();                        // (1, T, V)
                    logits = all.get(NDArrayIndex.point(0), NDArrayIndex.point(window.length - 1), NDArrayIndex.all())
                            .castTo(DataType.DOUBLE).toDoubleVector();                 // (V)
                }
                int next = TokenChooser.choose(logits, sampling, random);
                seq[length++] = next;
                onToken.accept(next);
            }
        } finally {
            model.train(wasTraining);
        }
        return seq;
    }
}
