package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Direct BLAS products against a plain triple loop, for every transpose and operand layout. */
class BlasGemmTest {

    @Test
    void everyTransposeAndLayoutMatchesTheDefinition() {
        Nd4j.getRandom().setSeed(3);
        // M×K by K×N, including a single row (matrix-vector) and a single column
        for (int[] mkn : new int[][] {{3, 4, 5}, {1, 4, 5}, {3, 4, 1}, {1, 4, 1}}) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (boolean transA : new boolean[] {false, true}) {
                    for (boolean transB : new boolean[] {false, true}) {
                        for (int layout = 0; layout < 3; layout++) {
                            INDArray a = operand(type, transA ? k : m, transA ? m : k, layout);
                            INDArray b = operand(type, transB ? n : k, transB ? k : n, layout);
                            INDArray c = product(a, transA, b, transB);
                            assertArrayEquals(new long[] {m, n}, c.shape());
                            assertClose(ReferenceProduct.of(a, transA, b, transB), c, type);
                        }
                    }
                }
            }
        }
    }

    @Test
    void productsLargeEnoughToSplitAcrossCoresMatchNd4j() {
        Nd4j.getRandom().setSeed(6);
        for (boolean transA : new boolean[] {false, true}) {
            for (int layout = 0; layout < 3; layout++) {
                INDArray a = operand(DataType.FLOAT, transA ? 96 : 301, transA ? 301 : 96, layout);
                INDArray b = operand(DataType.FLOAT, 96, 130, layout);
                INDArray c = product(a, transA, b, false);                 // 7.5 MFLOP: split by rows
                INDArray expected = (transA ? a.transpose() : a).castTo(DataType.DOUBLE).mmul(b.castTo(DataType.DOUBLE));
                double error = c.castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
                assertTrue(error < 1e-4, "transA " + transA + " layout " + layout + ": " + error);
            }
        }
        // a batch of 6 products of 1.3 MFLOP each, split by matrices; C column-major per matrix
        INDArray a = Nd4j.rand(DataType.DOUBLE, 6, 40, 90);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 6, 180, 90);
        INDArray c = Nd4j.zeros(DataType.DOUBLE, 6, 180, 40).permute(0, 2, 1);
        BlasGemm.multiply(a, false, b, true, c, 1.0, 0.0);
        for (int i = 0; i < 6; i++) {
            INDArray expected = a.get(NDArrayIndex.point(i)).mmul(b.get(NDArrayIndex.point(i)).transpose());
            double error = c.get(NDArrayIndex.point(i)).sub(expected).amaxNumber().doubleValue();
            assertTrue(error < 1e-12, "matrix " + i + ": " + error);
        }
    }

    @Test
    void batchedProductsOfPermutedViewsMatchEachMatrix() {
        Nd4j.getRandom().setSeed(4);
        // [B, T, H, D] permuted to [B, H, T, D]: the attention layout, never contiguous
        INDArray q = Nd4j.rand(DataType.FLOAT, 2, 6, 3, 4).permute(0, 2, 1, 3);
        INDArray k = Nd4j.rand(DataType.FLOAT, 2, 6, 3, 4).permute(0, 2, 1, 3);
        INDArray scores = product(q, false, k, true);                      // (2, 3, 6, 6)
        assertArrayEquals(new long[] {2, 3, 6, 6}, scores.shape());
        for (int i = 0; i < 2; i++) {
            for (int h = 0; h < 3; h++) {
                INDArray qi = q.get(NDArrayIndex.point(i), NDArrayIndex.point(h));
                INDArray ki = k.get(NDArrayIndex.point(i), NDArrayIndex.point(h));
                assertClose(ReferenceProduct.of(qi, false, ki, true),
                        scores.get(NDArrayIndex.point(i), NDArrayIndex.point(h)), DataType.FLOAT);
            }
        }
    }

    @Test
    void accumulatesIntoAColumnMajorOutput() {
        Nd4j.getRandom().setSeed(5);
        INDArray a = Nd4j.rand(DataType.DOUBLE, 3, 4);
        INDArray b = Nd4j.rand(DataType.DOUBLE, 4, 5);
        INDArray c = Nd4j.rand(DataType.DOUBLE, 5, 3).transpose();              // (3, 5), column-major
        INDArray expected = ReferenceProduct.of(a, false, b, false).muli(2).addi(c.mul(0.5));
        BlasGemm.multiply(a, false, b, false, c, 2.0, 0.5);
        assertClose(expected, c, DataType.DOUBLE);
    }

    @Test
    void refusesAnOutputItCannotWriteInPlace() {
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 4);
        INDArray b = Nd4j.rand(DataType.FLOAT, 4, 5);
        // every other row and column: no unit stride on either axis
        INDArray c = Nd4j.zeros(DataType.FLOAT, 6, 10).get(NDArrayIndex.interval(0, 2, 6), NDArrayIndex.interval(0, 2, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlasGemm.multiply(a, false, b, false, c, 1.0, 0.0));
        assertTrue(e.getMessage().contains("row- or column-major"), e.getMessage());
    }

    /** layout 0: row-major; 1: column-major (a transposed view); 2: a strided slice of a wider matrix. */
    private static INDArray operand(DataType type, int rows, int cols, int layout) {
        return switch (layout) {
            case 0 -> Nd4j.rand(type, rows, cols);
            case 1 -> Nd4j.rand(type, cols, rows).transpose();
            default -> Nd4j.rand(type, rows + 2, cols + 3)
                    .get(NDArrayIndex.interval(1, rows + 1), NDArrayIndex.interval(2, cols + 2));
        };
    }

    private static void assertClose(INDArray expected, INDArray actual, DataType type) {
        double tolerance = type == DataType.FLOAT ? 1e-6 : 1e-14;
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.size(0); i++) {
            for (int j = 0; j < expected.size(1); j++) {
                assertEquals(expected.getDouble(i, j), actual.getDouble(i, j), tolerance, "element " + i + "," + j);
            }
        }
    }

    /** op(a)·op(b) straight through {@link BlasGemm#multiply}, into a new C-ordered array. */
    private static INDArray product(INDArray a, boolean transA, INDArray b, boolean transB) {
        int r = a.rank();
        long[] shape = a.shape().clone();
        shape[r - 2] = transA ? a.size(r - 1) : a.size(r - 2);
        shape[r - 1] = transB ? b.size(r - 2) : b.size(r - 1);
        INDArray c = Nd4j.createUninitialized(a.dataType(), shape);
        BlasGemm.multiply(a, transA, b, transB, c, 1.0, 0.0);
        return c;
    }
}
