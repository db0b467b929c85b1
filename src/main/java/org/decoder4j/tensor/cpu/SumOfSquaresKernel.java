package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Σ x² of a dense float32 array in one pass, split across cores, each range accumulated in double
 * in four interleaved sums and the ranges added in order: the squared global norm that gradient
 * clipping needs, without ND4J's slower {@code norm2}. An array longer than one buffer
 * ({@link FloatMemory#MAX_BUFFER_LENGTH}) is summed piece by piece, the pieces' sums added in order.
 */
public final class SumOfSquaresKernel {

    /** Elements per piece: as many as one buffer holds. */
    static final int PIECE = FloatMemory.MAX_BUFFER_LENGTH;

    private SumOfSquaresKernel() {
    }

    /**
     * @param g a dense float32 array of any length
     * @return Σ g²
     */
    public static double of(INDArray g) {
        return of(g, PIECE);
    }

    /** {@link #of(INDArray)} in pieces of {@code piece} elements, for tests of the pieces. */
    static double of(INDArray g, int piece) {
        double sum = 0;
        for (long first = 0; first < g.length(); first += piece) {
            int n = (int) Math.min(piece, g.length() - first);
            sum += ofPiece(FloatMemory.of(g, first, n), n);
        }
        return sum;
    }

    private static double ofPiece(FloatBuffer values, int n) {
        double[] partSums = new double[CoreParallel.maxRanges()];
        CoreParallel.forRanges(n, 1 << 16, (part, from, to) -> {
            float[] block = new float[4096];
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            for (int start = from; start < to; start += block.length) {
                int len = Math.min(block.length, to - start);
                values.get(start, block, 0, len);
                int i = 0;
                for (; i + 3 < len; i += 4) {
                    s0 += (double) block[i] * block[i];
                    s1 += (double) block[i + 1] * block[i + 1];
                    s2 += (double) block[i + 2] * block[i + 2];
                    s3 += (double) block[i + 3] * block[i + 3];
                }
                for (; i < len; i++) {
                    s0 += (double) block[i] * block[i];
                }
            }
            partSums[part] = (s0 + s1) + (s2 + s3);
        });
        double sum = 0;
        for (double partSum : partSums) {
            sum += partSum;
        }
        return sum;
    }
}
