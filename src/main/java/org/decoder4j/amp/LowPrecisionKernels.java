package org.decoder4j.amp;

import java.util.EnumMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out, once per process, whether the loaded ND4J build multiplies matrices in bfloat16 or
 * float16 at a useful speed. Its default CPU build has only scalar fallbacks for them (about
 * 0.5 GFLOP/s), its oneDNN build runs bfloat16 through oneDNN (tens of GFLOP/s); rather than guess
 * from the build's name, a small product is timed in the low precision and in float32.
 *
 * <pre>{@code
 * boolean fast = LowPrecisionKernels.isFast(DataType.BFLOAT16);
 * }</pre>
 */
public final class LowPrecisionKernels {

    private static final Logger LOG = LoggerFactory.getLogger(LowPrecisionKernels.class);
    /**
     * A low-precision product this fast counts as a real kernel: the scalar fallbacks run at
     * about 0.5 GFLOP/s, oneDNN's bfloat16 kernel at tens, so even a heavily loaded machine
     * tells them apart (a ratio to float32's speed did not: both slow down under load).
     */
    private static final double FAST_GFLOPS = 5.0;
    private static final Map<DataType, Boolean> FAST = new EnumMap<>(DataType.class);

    private LowPrecisionKernels() {
    }

    /** Whether {@code type} products run on a real kernel here rather than a scalar fallback. */
    public static synchronized boolean isFast(DataType type) {
        return FAST.computeIfAbsent(type, LowPrecisionKernels::measure);
    }

    private static boolean measure(DataType type) {
        int n = 256;
        double float32 = secondsPerProduct(DataType.FLOAT, n);
        double low = secondsPerProduct(type, n);
        double gflops = 2.0 * n * n * n / low / 1e9;
        LOG.info("{} matrix products on this ND4J build: {} GFLOP/s (float32: {} GFLOP/s, {}x{})", type,
                String.format("%.1f", gflops), String.format("%.1f", 2.0 * n * n * n / float32 / 1e9), n, n);
        return gflops >= FAST_GFLOPS;
    }

    private static double secondsPerProduct(DataType type, int n) {
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n).castTo(type);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n).castTo(type);
        INDArray c = Nd4j.createUninitialized(type, n, n);
        // the "matmul" custom op, as the products of a training step: it is where ND4J's oneDNN
        // build plugs in its kernels (INDArray.mmul takes another route)
        DynamicCustomOp product = DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(c)
                .addIntegerArguments(0, 0).build();
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
