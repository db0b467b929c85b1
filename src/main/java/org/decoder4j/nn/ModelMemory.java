package org.decoder4j.nn;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The memory a GPT of a given shape needs, estimated from its {@link GPTConfig} before anything
 * is allocated, so that a shape that cannot fit is refused with a message naming the culprit
 * instead of ending in an allocation failure or the machine running out of memory.
 *
 * <pre>{@code
 * long n = ModelMemory.parameterCount(config);                     // 124,439,808 for GPT-2 small
 * ModelMemory.check(config, 4, 1, "config.json");                  // float32 weights must fit
 * }</pre>
 *
 * <p>The estimates are lower bounds (weights only, or weights plus the logits for training), so
 * a refusal is never wrong; the limit is the machine's physical memory.
 */
public final class ModelMemory {

    /** GPT-2 XL's shape, the yardstick for which key made a model too large. */
    private static final double[] XL = {50257, 1024, 48, 1600};
    private static final String[] KEYS = {"vocab_size", "n_positions", "n_layer", "n_embd"};

    private ModelMemory() {
    }

    /**
     * Weights of a GPT of this shape: embeddings, blocks (12C² + 13C each) and the final norm.
     *
     * @param c the shape
     * @return the parameter count
     */
    public static long parameterCount(GPTConfig c) {
        double n = exactCount(c);
        return n >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) n;
    }

    private static double exactCount(GPTConfig c) {
        double e = c.embeddingSize();
        return (double) c.vocabSize() * e + (double) c.contextLength() * e + c.layers() * (12 * e * e + 13 * e) + 2 * e;
    }

    /**
     * Physical memory of this machine in bytes (the JVM's maximum heap when it cannot be read).
     *
     * @return the physical memory in bytes
     */
    public static long machineBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }

    /**
     * Refuses a shape whose {@code copies} copies of the weights, at {@code bytesPerValue} bytes
     * each, plus {@code extraBytes}, exceed the machine's memory.
     *
     * @param origin where the shape comes from, for the message (a file, a flag set)
     * @throws IllegalArgumentException naming the sizes, the estimate, the limit and the key that
     *                                  is furthest beyond GPT-2 XL's
     * @param c the shape
     * @param bytesPerValue bytes per weight
     * @param copies copies of the weights held at once (weights, gradients, optimizer state)
     * @param extraBytes further bytes needed, such as activations
     */
    public static void check(GPTConfig c, int bytesPerValue, int copies, double extraBytes, String origin) {
        double weights = exactCount(c) * bytesPerValue;
        double needed = weights * copies + extraBytes;
        long limit = machineBytes();
        if (needed <= limit) {
            return;
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "%s: a model with vocab_size %d, n_positions %d, n_layer %d, n_embd %d has %.3g parameters "
                        + "(%s of weights%s), more than the %s of memory of this machine; %s %s is the size to reduce",
                origin, c.vocabSize(), c.contextLength(), c.layers(), c.embeddingSize(), exactCount(c),
                bytes(weights), copies > 1 || extraBytes > 0 ? ", " + bytes(needed) + " in all to train" : "",
                bytes(limit), KEYS[culprit(c)], value(c, culprit(c))));
    }

    /**
     * {@link #check(GPTConfig, int, int, double, String)} with no extra bytes.
     *
     * @param c the shape
     * @param bytesPerValue bytes per weight
     * @param copies copies of the weights held at once
     * @param origin where the shape comes from, for the message
     */
    public static void check(GPTConfig c, int bytesPerValue, int copies, String origin) {
        check(c, bytesPerValue, copies, 0, origin);
    }

    private static int culprit(GPTConfig c) {
        int worst = 0;
        double worstRatio = 0;
        for (int k = 0; k < KEYS.length; k++) {
            double ratio = value(c, k) / XL[k];
            if (k == 3) {
                ratio *= ratio;                                              // the blocks grow with n_embd²
            }
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = k;
            }
        }
        return worst;
    }

    private static long value(GPTConfig c, int key) {
        return switch (key) {
            case 0 -> c.vocabSize();
            case 1 -> c.contextLength();
            case 2 -> c.layers();
            default -> c.embeddingSize();
        };
    }

    /**
     * 1.5 GB, 340 MB, ...
     *
     * @param b a number of bytes
     * @return the size, in the largest unit that keeps it at or above 1
     */
    public static String bytes(double b) {
        String[] units = {"bytes", "KB", "MB", "GB", "TB", "PB", "EB"};
        int u = 0;
        while (b >= 1000 && u < units.length - 1) {
            b /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
    }
}
