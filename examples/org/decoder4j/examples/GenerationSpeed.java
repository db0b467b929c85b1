package org.decoder4j.examples;

import java.lang.management.ManagementFactory;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;

/**
 * Generation speed with and without the key/value cache, on random weights: tokens per second
 * for filling the whole context from a one-token prompt, greedy, overall and over the last quarter
 * of the context (where the window is nearly full), for the Shakespeare character recipe
 * (4 layers, 4 heads, 128 channels, context 64) and for nanoGPT's larger Shakespeare model
 * (6 layers, 6 heads, 384 channels, context 256). Each way runs once to warm up first.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=org.decoder4j.examples.GenerationSpeed -Dexec.classpathScope=test
 * </pre>
 */
public final class GenerationSpeed {

    private GenerationSpeed() {
    }

    /**
     * Tokens per second of wall-clock time over all new tokens and over the last quarter of the
     * context, and tokens per second of this process's CPU time (all its threads) over all new
     * tokens: the CPU figure is the steadier one when other programs share the processor.
     */
    public record Rate(double overall, double lastQuarter, double perCpuSecond) {
    }

    /** One measurement: new tokens generated each way and their rates. */
    public record Speed(int tokens, Rate cached, Rate fullWindow) {
    }

    public static void main(String[] args) {
        print(GPT.builder().vocabSize(65).contextLength(64).layers(4).heads(4).embeddingSize(128).build());
        print(GPT.builder().vocabSize(65).contextLength(256).layers(6).heads(6).embeddingSize(384).build());
    }

    private static void print(GPT model) {
        Speed s = measure(model);
        System.out.printf("%d layers, %d heads, %d channels, context %d, %d new tokens:%n",
                model.config().layers(), model.config().heads(), model.config().embeddingSize(),
                model.config().contextLength(), s.tokens());
        System.out.printf("  overall       with cache %7.1f tokens/s, without %7.1f tokens/s, %5.1fx%n",
                s.cached().overall(), s.fullWindow().overall(), s.cached().overall() / s.fullWindow().overall());
        System.out.printf("  last quarter  with cache %7.1f tokens/s, without %7.1f tokens/s, %5.1fx%n",
                s.cached().lastQuarter(), s.fullWindow().lastQuarter(),
                s.cached().lastQuarter() / s.fullWindow().lastQuarter());
        System.out.printf("  CPU time      with cache %7.1f tokens/s, without %7.1f tokens/s, %5.1fx%n",
                s.cached().perCpuSecond(), s.fullWindow().perCpuSecond(),
                s.cached().perCpuSecond() / s.fullWindow().perCpuSecond());
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

    private static Rate tokensPerSecond(Generator generator, int tokens) {
        long[] at = new long[tokens];
        int[] count = {0};
        long cpuStart = processCpuNanos();
        long start = System.nanoTime();
        generator.generate(new int[] {0}, Sampling.greedy(), tokens, id -> at[count[0]++] = System.nanoTime());
        long cpu = processCpuNanos() - cpuStart;
        int quarter = Math.max(1, tokens / 4);
        long quarterStart = at[Math.max(0, tokens - quarter - 1)];                  // the token before the quarter
        return new Rate(tokens / ((at[tokens - 1] - start) / 1e9), quarter / ((at[tokens - 1] - quarterStart) / 1e9),
                tokens / (cpu / 1e9));
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
