package org.decoder4j.tensor.cpu;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tunes the native libraries under ND4J before they load, so that a user who only adds the Maven
 * dependency gets the fast configuration.
 *
 * <ul>
 *   <li>{@code OMP_NUM_THREADS=1}: ND4J's elementwise ops run on OpenMP threads that, after each op,
 *       spin on the cores that OpenBLAS's own threads need for the next matrix product; one OpenMP
 *       thread makes a training step faster (BLAS keeps all cores; docs/benchmarks.md).</li>
 *   <li>{@code OPENBLAS_CORETYPE=SkylakeX} on AVX-512 processors: the OpenBLAS bundled with ND4J
 *       does not recognise recent Xeon models and otherwise falls back to a slower kernel.</li>
 *   <li>the system property {@code org.bytedeco.javacpp.maxPhysicalBytes=0}: otherwise JavaCPP
 *       measures the process's resident memory on every native allocation (ND4J makes several per
 *       op for shape descriptors), a large share of a training step and of a cached generation
 *       step (docs/benchmarks.md, "Measurements behind the code"). JavaCPP's own limit on the bytes it allocates
 *       ({@code maxBytes}) stays; memory per step is bounded by {@code MemoryScope} workspaces.
 *       A value given with {@code -D} is kept.</li>
 * </ul>
 *
 * All three are read once, when the native libraries load, so they are set (the variables in this
 * process's environment with {@code setenv}) the first time a decoder4j class that computes is
 * initialised. A value already present is never changed. The system property
 * {@code decoder4j.nativeTuning=false} turns this off.
 *
 * <pre>{@code
 * NativeRuntime.configure();            // optional: call first thing in main() to be sure
 * }</pre>
 */
public final class NativeRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(NativeRuntime.class);
    private static final String PHYSICAL_BYTES_LIMIT = "org.bytedeco.javacpp.maxPhysicalBytes";
    private static boolean configured;

    private NativeRuntime() {
    }

    /** Applies the settings once; later calls do nothing. */
    public static synchronized void configure() {
        if (configured) {
            return;
        }
        configured = true;
        if (!Boolean.parseBoolean(System.getProperty("decoder4j.nativeTuning", "true"))) {
            return;
        }
        if (nativeLibraryLoaded()) {
            if (System.getenv("OMP_NUM_THREADS") == null) {
                LOG.warn("ND4J was loaded before decoder4j could set OMP_NUM_THREADS=1; training may run at half "
                        + "speed. Set OMP_NUM_THREADS=1 in the environment, or call ComputeEngine.configure() first.");
            }
            return;
        }
        setIfAbsent("OMP_NUM_THREADS", "1");
        if (System.getProperty(PHYSICAL_BYTES_LIMIT) == null) {
            System.setProperty(PHYSICAL_BYTES_LIMIT, "0");
        }
        if (hasAvx512()) {
            setIfAbsent("OPENBLAS_CORETYPE", "SkylakeX");
        }
    }

    private static void setIfAbsent(String name, String value) {
        if (System.getenv(name) != null) {
            return;
        }
        try {
            int rc = NativeLibrary.getInstance("c").getFunction("setenv").invokeInt(new Object[] {name, value, 0});
            if (rc == 0) {
                LOG.debug("set {}={} for the native libraries", name, value);
            } else {
                LOG.warn("could not set {}={} (setenv returned {})", name, value, rc);
            }
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.warn("could not set {}={}: {}", name, value, e.toString());
        }
    }

    private static boolean nativeLibraryLoaded() {
        return mapsContain("libnd4jcpu") || mapsContain("libgomp");
    }

    private static boolean mapsContain(String library) {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains(library);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean hasAvx512() {
        if (!System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).matches("amd64|x86_64")) {
            return false;
        }
        try {
            return Files.readString(Path.of("/proc/cpuinfo")).contains("avx512f");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
