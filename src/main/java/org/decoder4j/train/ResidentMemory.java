package org.decoder4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as the kernel counts it (Linux {@code /proc/self/status}), which,
 * unlike the Java heap, includes ND4J's off-heap arrays.
 *
 * <pre>{@code
 * long mb = ResidentMemory.currentBytes() >> 20;
 * }</pre>
 */
public final class ResidentMemory {

    private ResidentMemory() {
    }

    /**
     * Current resident set size in bytes, or -1 where it cannot be read.
     *
     * @return the resident size, or -1
     */
    public static long currentBytes() {
        return field("VmRSS:");
    }

    /**
     * Peak resident set size in bytes, or -1 where it cannot be read.
     *
     * @return the peak resident size, or -1
     */
    public static long peakBytes() {
        return field("VmHWM:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
