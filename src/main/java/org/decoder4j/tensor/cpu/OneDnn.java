package org.decoder4j.tensor.cpu;

import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_amx;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu_isa_avx512_core_vnni;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_get_effective_cpu_isa;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_version;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oneDNN library (through its JavaCPP preset): whether it loaded, what the processor gives it,
 * its CPU engine, and a stream per thread.
 *
 * <p>oneDNN picks its kernels from the instruction sets it finds at run time: AMX tiles on Intel
 * Xeons that have them, AVX512-BF16 dot products on others (AMD EPYC Zen 4 and later, Cooper
 * Lake), plain AVX-512 or AVX2 elsewhere. Its bfloat16 products pay off only with native bfloat16
 * instructions ({@link #hasNativeBfloat16()}); without them decoder4j rounds float32 operands
 * instead. If the native library cannot load (another platform, a missing file), every product
 * falls back to BLAS or ND4J, and that is logged once.
 *
 * <p>oneDNN runs on OpenMP. Every thread that calls it first sets its own OpenMP thread count to
 * one ({@code omp_set_num_threads(1)}, whatever {@code OMP_NUM_THREADS} says), so each call runs on
 * the calling thread and decoder4j splits products across cores itself ({@link CoreParallel}), as
 * it does for BLAS: OpenMP teams started inside another split oversubscribe the cores, and under
 * load their barriers wait for descheduled threads. The system property
 * {@code decoder4j.onednn=false} turns oneDNN off.
 */
public final class OneDnn {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static final Runtime RUNTIME = load();
    private static final ThreadLocal<dnnl_stream> STREAM = ThreadLocal.withInitial(OneDnn::newStream);
    /** {@code omp_set_num_threads} of every OpenMP runtime loaded in the process. */
    private static final List<Function> SET_OPENMP_THREADS = openMpThreadSetters();

    /** The loaded library: its engine and the instruction set its kernels use. */
    private record Runtime(dnnl_engine engine, int isa) {
    }

    private OneDnn() {
    }

    /** Whether oneDNN loaded and runs on ND4J's host memory. */
    public static boolean isAvailable() {
        return RUNTIME != null;
    }

    /**
     * Whether the processor multiplies bfloat16 natively (AVX512-BF16 or AMX), so that oneDNN's
     * bfloat16 products beat its float32 ones.
     */
    public static boolean hasNativeBfloat16() {
        return RUNTIME != null && has(RUNTIME.isa, dnnl_cpu_isa_avx512_core_bf16);
    }

    /**
     * The CPU engine, for making primitives on this thread. The thread's OpenMP thread count is set
     * to one first: primitives plan their work for the thread count they see when they are made.
     */
    static dnnl_engine engine() {
        STREAM.get();
        return RUNTIME.engine;
    }

    /** This thread's stream (oneDNN streams are not shared between threads). */
    static dnnl_stream stream() {
        return STREAM.get();
    }

    /** Throws if a oneDNN call did not succeed. */
    static void check(int status, String call) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + call + " failed with status " + status);
        }
    }

    /** The instruction set oneDNN's kernels use here, for logs and benchmarks. */
    public static String isaName() {
        return RUNTIME == null ? "none (oneDNN not loaded)" : isaName(RUNTIME.isa);
    }

    /** A pointer at a raw address, for handing array memory to oneDNN without a copy. */
    static final class Address extends Pointer {

        /** Points at {@code address}; returns this. */
        Address at(long address) {
            this.address = address;
            return this;
        }
    }

    private static Runtime load() {
        if (!Boolean.parseBoolean(System.getProperty("decoder4j.onednn", "true")) || !FloatMemory.isHostMemory()) {
            return null;
        }
        NativeRuntime.configure();
        try {
            dnnl_engine engine = new dnnl_engine();
            check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine_create");
            int isa = dnnl_get_effective_cpu_isa();
            dnnl_version_t v = dnnl_version();
            LOG.debug("oneDNN {}.{}.{} loaded, kernels for {}", v.major(), v.minor(), v.patch(), isaName(isa));
            return new Runtime(engine, isa);
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("oneDNN could not be loaded ({}); matrix products fall back to BLAS, bfloat16 is emulated",
                    e.toString());
            return null;
        }
    }

    private static String isaName(int isa) {
        return has(isa, dnnl_cpu_isa_avx512_core_amx) ? "AMX"
                : has(isa, dnnl_cpu_isa_avx512_core_bf16) ? "AVX512-BF16"
                : has(isa, dnnl_cpu_isa_avx512_core_vnni) ? "AVX512-VNNI"
                : has(isa, dnnl_cpu_isa_avx512_core) ? "AVX-512" : "AVX2 or older";
    }

    /** The OpenMP runtimes mapped into this process (ND4J's, and oneDNN's if it brought its own). */
    private static List<Function> openMpThreadSetters() {
        List<Function> setters = new ArrayList<>();
        try {
            Set<String> libraries = new TreeSet<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.contains("libgomp")) {
                    libraries.add(line.substring(slash).trim());
                }
            }
            for (String library : libraries) {
                setters.add(NativeLibrary.getInstance(library).getFunction("omp_set_num_threads"));
            }
        } catch (IOException | LinkageError | RuntimeException e) {
            LOG.warn("could not limit oneDNN's OpenMP threads ({}); set OMP_NUM_THREADS=1 if products are slow",
                    e.toString());
        }
        return setters;
    }

    /** Whether {@code isa} includes every instruction of {@code set} (the values are bit masks). */
    private static boolean has(int isa, int set) {
        return (isa & set) == set;
    }

    private static dnnl_stream newStream() {
        for (Function setThreads : SET_OPENMP_THREADS) {
            setThreads.invokeVoid(new Object[] {1});                          // this thread's OpenMP teams
        }
        dnnl_stream stream = new dnnl_stream();
        check(dnnl_stream_create(stream, RUNTIME.engine, dnnl_stream_default_flags), "stream_create");
        return stream;
    }
}
