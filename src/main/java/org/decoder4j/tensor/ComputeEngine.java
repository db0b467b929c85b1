package org.decoder4j.tensor;

/**
 * What computes the tensor ops in this process: which kernels matrix products run on, and in how
 * many threads, for logs and benchmarks. Nothing here changes behaviour; the choices are made once,
 * at start-up, from what the processor and the loaded native libraries offer.
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
