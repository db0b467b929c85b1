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
 * boolean fast = LowPrecisionKernels.isFast(DataType.BFLOAT16);
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
    private static final Map<DataType, Boolean> FAST = new EnumMap<>(DataType.class);

    private LowPrecisionKernels() {
    }

    /** Whether {@code type} products run faster on their own kernels here than emulated on float32's. */
    public static synchronized boolean isFast(DataType type) {
        return FAST.computeIfAbsent(type, LowPrecisionKernels::measure);
    }

    private static boolean measure(DataType type) {
        int n = 256;
        double gflops = gflops(n, secondsPerProduct(type, n));
        if (gflops < FAST_GFLOPS) {
            LOG.info("{} matrix products on this ND4J build: {} GFLOP/s ({}x{}), a scalar fallback", type,
                    String.format("%.1f", gflops), n, n);
            return false;
        }
        int large = 768;
        double low = gflops(large, secondsPerProduct(type, large));
        double float32 = gflops(large, secondsPerProduct(DataType.FLOAT, large));
        boolean faster = low > float32;
        LOG.info("{} matrix products on this ND4J build: {} GFLOP/s, float32 {} GFLOP/s ({}x{}): {}", type,
                String.format("%.1f", low), String.format("%.1f", float32), large, large,
                faster ? "native kernels" : "emulated on float32 kernels, which are faster here");
        return faster;
    }

    private static double gflops(int n, double seconds) {
        return 2.0 * n * n * n / seconds / 1e9;
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
