package org.decoder4j.examples;

import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;

/**
 * Generation speed with and without the key/value cache, on random weights: tokens per second
 * for filling the whole context from a one-token prompt, greedy, for the Shakespeare character
 * recipe (4 layers, 4 heads, 128 channels, context 64) and for nanoGPT's larger Shakespeare
 * model (6 layers, 6 heads, 384 channels, context 256). Each way runs once to warm up first.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=org.decoder4j.examples.GenerationSpeed -Dexec.classpathScope=test
 * </pre>
 */
public final class GenerationSpeed {

    private GenerationSpeed() {
    }

    /** One measurement: new tokens generated each way and the rates. */
    public record Speed(int tokens, double cachedTokensPerSecond, double fullWindowTokensPerSecond) {

        /** How many times faster the cached path is. */
        public double ratio() {
            return cachedTokensPerSecond / fullWindowTokensPerSecond;
        }
    }

    public static void main(String[] args) {
        print(GPT.builder().vocabSize(65).contextLength(64).layers(4).heads(4).embeddingSize(128).build());
        print(GPT.builder().vocabSize(65).contextLength(256).layers(6).heads(6).embeddingSize(384).build());
    }

    private static void print(GPT model) {
        Speed s = measure(model);
        System.out.printf("%d layers, %d heads, %d channels, context %d: %d tokens; with cache %.1f tokens/s, "
                        + "without %.1f tokens/s, %.1fx%n",
                model.config().layers(), model.config().heads(), model.config().embeddingSize(),
                model.config().contextLength(), s.tokens(), s.cachedTokensPerSecond(),
                s.fullWindowTokensPerSecond(), s.ratio());
    }

    /** Generates {@code contextLength − 1} tokens after a one-token prompt each way, after a warm-up. */
    public static Speed measure(GPT model) {
        int tokens = model.config().contextLength() - 1;
        Generator cached = Generator.of(model);
        Generator full = Generator.of(model).withCache(false);
        tokensPerSecond(cached, tokens);                                          // warm-up, discarded
        tokensPerSecond(full, tokens);
        return new Speed(tokens, tokensPerSecond(cached, tokens), tokensPerSecond(full, tokens));
    }

    private static double tokensPerSecond(Generator generator, int tokens) {
        long start = System.nanoTime();
        generator.generate(new int[] {0}, Sampling.greedy(), tokens, id -> { });
        return tokens / ((System.nanoTime() - start) / 1e9);
    }
}
