package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.CoreParallel;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.decoder4j.tensor.cpu.NativeRuntime;
import org.decoder4j.tensor.cpu.OneDnn;

/**
 * The facade of the CPU engine ({@code org.decoder4j.tensor.cpu}) for the rest of the library:
 * its start-up settings, and what computes the tensor ops in this process (which kernels matrix
 * products run on, in how many threads) for logs and benchmarks. The choices are made once, at
 * start-up, from what the processor and the loaded native libraries offer.
 *
 * <pre>{@code
 * System.out.println(ComputeEngine.describe());
 * // oneDNN 2.5 (AVX512-BF16): float32 and bfloat16 products; 2 threads
 * }</pre>
 */
public final class ComputeEngine {

    private ComputeEngine() {
    }

    /**
     * Applies the native libraries' process-wide settings (ND4J's memory limits, thread counts)
     * once; later calls do nothing. Models call it before their first array; a program may call it
     * earlier.
     */
    public static void configure() {
        NativeRuntime.configure();
    }

    /**
     * One line: the product kernels, what bfloat16 runs on, and the thread count.
     *
     * @return the description
     */
    public static String describe() {
        String products = OneDnn.isAvailable()
                ? "oneDNN 2.5 (" + OneDnn.isaName() + "): float32 products"
                        + (OneDnn.hasNativeBfloat16() ? " and bfloat16 products" : ", bfloat16 emulated on float32")
                : FloatMemory.isHostMemory() ? "OpenBLAS products, bfloat16 emulated on float32"
                : "ND4J's own products (" + org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName() + ")";
        return products + "; " + CoreParallel.parts() + (CoreParallel.parts() == 1 ? " thread" : " threads");
    }
}
