package org.decoder4j.amp;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out, once per process, whether the loaded ND4J build multiplies matrices in bfloat16 or
 * float16 faster than it can emulate them. Its default CPU build has only scalar fallbacks for
 * them (about 0.5 GFLOP/s); its oneDNN build runs bfloat16 through oneDNN, which is faster than
 * its float32 product on some processors (Intel's with AMX) and several times slower on others
 * (measured: 110 against 400 GFLOP/s on an AMD EPYC with AVX512-BF16). Emulation costs a float32
 * product plus roundings, so native kernels are worth it only where they beat float32. Rather than
 * guess from the build's name or the processor, products are timed: a small one in the low
 * precision (a scalar fallback is told apart at once), and, where that is fast, a larger one in
 * both precisions.
 *
 * <pre>{@code
 * boolean fast = LowPrecisionKernels.isFast(DataType.BFLOAT16);               // a square product
 * boolean forModel = LowPrecisionKernels.isFast(DataType.BFLOAT16, 2048, 384, 1536);  // B·T x C by 4C x C
 * }</pre>
 */
public final class LowPrecisionKernels {

    private static final Logger LOG = LoggerFactory.getLogger(LowPrecisionKernels.class);
    /**
     * A low-precision product this fast counts as a real kernel: the scalar fallbacks run at
     * about 0.5 GFLOP/s, oneDNN's bfloat16 kernel at tens or hundreds, so even a heavily loaded
     * machine tells them apart. Only real kernels are then raced against float32.
     */
    private static final double FAST_GFLOPS = 5.0;
    private static final Map<ProductShape, Boolean> FAST = new HashMap<>();

    /** The cache key: a low-precision type and a product shape. */
    private record ProductShape(DataType type, int rows, int inner, int cols) {
    }

    private LowPrecisionKernels() {
    }

    /**
     * Whether {@code type} products run faster on their own kernels here than emulated on
     * float32's, judged on a square 768 product.
     */
    public static boolean isFast(DataType type) {
        return isFast(type, 768, 768, 768);
    }

    /**
     * Whether {@code type} products of the shape of a model's feed-forward layer, x {@code [rows,
     * inner]} times a weight {@code [cols, inner]} transposed, run faster on their own kernels than
     * emulated on float32's. The answer depends on the shape: oneDNN's bfloat16 kernel beat its
     * float32 one on square 768 products but ran at a quarter of its speed on 4096×384·384×1152
     * (AMD EPYC, AVX512-BF16).
     */
    public static synchronized boolean isFast(DataType type, int rows, int inner, int cols) {
        return FAST.computeIfAbsent(new ProductShape(type, rows, inner, cols), k -> measure(type, rows, inner, cols));
    }

    private static boolean measure(DataType type, int rows, int inner, int cols) {
        int n = 256;
        double gflops = gflops(n, n, n, secondsPerProduct(type, n, n, n));
        if (gflops < FAST_GFLOPS) {
            LOG.info("{} matrix products on this ND4J build: {} GFLOP/s ({}x{}), a scalar fallback", type,
                    String.format("%.1f", gflops), n, n);
            return false;
        }
        double low = gflops(rows, inner, cols, secondsPerProduct(type, rows, inner, cols));
        double float32 = gflops(rows, inner, cols, secondsPerProduct(DataType.FLOAT, rows, inner, cols));
        boolean faster = low > float32;
        LOG.info("{} matrix products on this ND4J build: {} GFLOP/s, float32 {} GFLOP/s ({}x{} by {}x{}ᵀ): {}", type,
                String.format("%.1f", low), String.format("%.1f", float32), rows, inner, cols, inner,
                faster ? "native kernels" : "emulated on float32 kernels, which are faster here");
        return faster;
    }

    private static double gflops(int rows, int inner, int cols, double seconds) {
        return 2.0 * rows * inner * cols / seconds / 1e9;
    }

    private static double secondsPerProduct(DataType type, int rows, int inner, int cols) {
        INDArray a = Nd4j.rand(DataType.FLOAT, rows, inner).castTo(type);
        INDArray b = Nd4j.rand(DataType.FLOAT, cols, inner).castTo(type);
        INDArray c = Nd4j.createUninitialized(type, rows, cols);
        // the "matmul" custom op, as the products of a training step: it is where ND4J's oneDNN
        // build plugs in its kernels (INDArray.mmul takes another route)
        DynamicCustomOp product = DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(c)
                .addIntegerArguments(0, 1).build();
        Nd4j.exec(product);                                                     // warm-up
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            Nd4j.exec(product);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }
}
