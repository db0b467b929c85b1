package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import org.decoder4j.tensor.ComputeEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * oneDNN's products against a float64 triple loop, for every transpose and operand layout, in
 * float32 and in bfloat16 (whose operands are exact in float64, so only the float32 sums differ),
 * and its bfloat16 conversion against ND4J's cast (which {@code AutocastTest} checks against
 * PyTorch's).
 */
class OneDnnMatmulTest {

    @BeforeAll
    static void oneDnnLoadsOnLinuxX86() {
        boolean linuxX86 = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")
                && System.getProperty("os.arch", "").matches("amd64|x86_64");
        assumeTrue(linuxX86, "oneDNN's native library is bundled for linux-x86_64 only");
        assertTrue(OneDnn.isAvailable(), "oneDNN did not load: " + ComputeEngine.describe());
    }

    @Test
    void everyTransposeAndLayoutMatchesTheDefinition() {
        Nd4j.getRandom().setSeed(11);
        for (int[] mkn : new int[][] {{3, 4, 5}, {1, 4, 5}, {3, 4, 1}, {1, 4, 1}, {17, 33, 9}}) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            for (DataType type : operandTypes()) {
                for (boolean transA : new boolean[] {false, true}) {
                    for (boolean transB : new boolean[] {false, true}) {
                        for (int layout = 0; layout < 3; layout++) {
                            INDArray a = operand(type, transA ? k : m, transA ? m : k, layout);
                            INDArray b = operand(type, transB ? n : k, transB ? k : n, layout);
                            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, m, n);
                            OneDnnMatmul.multiply(a, transA, b, transB, c, 1.0, 0.0);
                            String what = type + " " + m + "x" + k + "x" + n + " transA " + transA + " transB " + transB
                                    + " layout " + layout;
                            assertClose(ReferenceProduct.of(a, transA, b, transB), c, 1e-6, what);
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchedProductsOfPermutedViewsMatchEachMatrix() {
        Nd4j.getRandom().setSeed(12);
        for (DataType type : operandTypes()) {
            // [B, T, H, D] permuted to [B, H, T, D]: the attention layout, never contiguous
            INDArray q = Nd4j.rand(DataType.FLOAT, 2, 6, 3, 4).castTo(type).permute(0, 2, 1, 3);
            INDArray k = Nd4j.rand(DataType.FLOAT, 2, 6, 3, 4).castTo(type).permute(0, 2, 1, 3);
            INDArray scores = Nd4j.createUninitialized(DataType.FLOAT, 2, 3, 6, 6);
            OneDnnMatmul.multiply(q, false, k, true, scores, 1.0, 0.0);
            for (int i = 0; i < 2; i++) {
                for (int h = 0; h < 3; h++) {
                    INDArray qi = q.get(NDArrayIndex.point(i), NDArrayIndex.point(h));
                    INDArray ki = k.get(NDArrayIndex.point(i), NDArrayIndex.point(h));
                    assertClose(ReferenceProduct.of(qi, false, ki, true), scores.get(NDArrayIndex.point(i), NDArrayIndex.point(h)),
                            1e-6, type + " batch " + i + " head " + h);
                }
            }
        }
    }

    @Test
    void productsSplitAcrossCoresByRowsAndByMatricesMatchFloat64() {
        Nd4j.getRandom().setSeed(13);
        for (boolean transA : new boolean[] {false, true}) {
            INDArray a = operand(DataType.FLOAT, transA ? 96 : 301, transA ? 301 : 96, 1);
            INDArray b = operand(DataType.FLOAT, 130, 96, 2);
            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, 301, 130);
            OneDnnMatmul.multiply(a, transA, b, true, c, 1.0, 0.0);             // 7.5 MFLOP: split by rows
            INDArray expected = (transA ? a.transpose() : a).castTo(DataType.DOUBLE)
                    .mmul(b.castTo(DataType.DOUBLE).transpose());
            double error = c.castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
            assertTrue(error < 1e-4, "transA " + transA + ": " + error);
        }
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 4, 40, 90);
        INDArray b = Nd4j.rand(DataType.FLOAT, 3, 4, 180, 90);
        INDArray c = Nd4j.zeros(DataType.FLOAT, 3, 4, 40, 180);
        OneDnnMatmul.multiply(a, false, b, true, c, 1.0, 0.0);                 // split along the first axis
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                INDArray ai = a.get(NDArrayIndex.point(i), NDArrayIndex.point(j)).castTo(DataType.DOUBLE);
                INDArray bi = b.get(NDArrayIndex.point(i), NDArrayIndex.point(j)).castTo(DataType.DOUBLE);
                double error = c.get(NDArrayIndex.point(i), NDArrayIndex.point(j)).castTo(DataType.DOUBLE)
                        .sub(ai.mmul(bi.transpose())).amaxNumber().doubleValue();
                assertTrue(error < 1e-4, "matrix " + i + "," + j + ": " + error);
            }
        }
    }

    @Test
    void scalesAndAccumulatesIntoAColumnMajorOutput() {
        Nd4j.getRandom().setSeed(14);
        INDArray a = Nd4j.rand(DataType.FLOAT, 3, 4);
        INDArray b = Nd4j.rand(DataType.FLOAT, 4, 5);
        INDArray c = Nd4j.rand(DataType.FLOAT, 5, 3).transpose();               // (3, 5), column-major
        INDArray expected = ReferenceProduct.of(a, false, b, false).muli(2).addi(c.castTo(DataType.DOUBLE).mul(0.5));
        OneDnnMatmul.multiply(a, false, b, false, c, 2.0, 0.5);
        assertClose(expected, c, 1e-6, "2·A·B + 0.5·C");
    }

    @Test
    void aBfloat16ResultIsTheFloat32SumRoundedToNearestEven() {
        assumeTrue(OneDnn.hasNativeBfloat16(), "no native bfloat16 on this processor");
        Nd4j.getRandom().setSeed(15);
        INDArray a = Nd4j.randn(DataType.FLOAT, 7, 64).castTo(DataType.BFLOAT16);
        INDArray b = Nd4j.randn(DataType.FLOAT, 64, 9).castTo(DataType.BFLOAT16);
        INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, 7, 9);
        INDArray high = Nd4j.createUninitialized(DataType.FLOAT, 7, 9);
        OneDnnMatmul.multiply(a, false, b, false, low, 1.0, 0.0);
        OneDnnMatmul.multiply(a, false, b, false, high, 1.0, 0.0);
        assertEquals(high.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT), low.castTo(DataType.FLOAT));
    }

    @ParameterizedTest(name = "transposed B {0}")
    @ValueSource(booleans = {false, true})
    void aLargeBfloat16ResultWrittenInPartsIsTheFloat32SumRounded(boolean transB) {
        assumeTrue(OneDnn.hasNativeBfloat16(), "no native bfloat16 on this processor");
        Nd4j.getRandom().setSeed(16);
        // 40 × 30011 (1.2 million elements) is more than one part: the columns go in several calls
        INDArray a = Nd4j.randn(DataType.FLOAT, 40, 48).castTo(DataType.BFLOAT16);
        INDArray b = (transB ? Nd4j.randn(DataType.FLOAT, 30011, 48) : Nd4j.randn(DataType.FLOAT, 48, 30011))
                .castTo(DataType.BFLOAT16);
        INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, 40, 30011);
        INDArray high = Nd4j.createUninitialized(DataType.FLOAT, 40, 30011);
        OneDnnMatmul.multiply(a, false, b, transB, low, 1.0, 0.0);
        OneDnnMatmul.multiply(a, false, b, transB, high, 1.0, 0.0);
        assertEquals(high.castTo(DataType.BFLOAT16), low);
        // and the tall case, split by rows
        INDArray tall = Nd4j.createUninitialized(DataType.BFLOAT16, 30011, 40);
        INDArray tallHigh = Nd4j.createUninitialized(DataType.FLOAT, 30011, 40);
        OneDnnMatmul.multiply(b, !transB, a, true, tall, 1.0, 0.0);
        OneDnnMatmul.multiply(b, !transB, a, true, tallHigh, 1.0, 0.0);
        assertEquals(tallHigh.castTo(DataType.BFLOAT16), tall);
    }

    @Test
    void aProductRoundedInPartsEqualsTheProductRoundedAfter() {
        assumeTrue(OneDnn.hasNativeBfloat16(), "no native bfloat16 on this processor");
        Nd4j.getRandom().setSeed(17);
        // split by rows (tall, each part more than one rounding piece), by columns (wide: rounded
        // whole after), by matrices (batched), alone (small), and every transpose
        int[][] mkns = {{2000, 96, 200}, {150, 96, 900}, {3, 8, 5}, {4, 16, 300_000}};
        for (int[] mkn : mkns) {
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    int m = mkn[0];
                    int k = mkn[1];
                    int n = mkn[2];
                    INDArray a = (transA ? Nd4j.randn(DataType.FLOAT, k, m) : Nd4j.randn(DataType.FLOAT, m, k))
                            .castTo(DataType.BFLOAT16);
                    INDArray b = (transB ? Nd4j.randn(DataType.FLOAT, n, k) : Nd4j.randn(DataType.FLOAT, k, n))
                            .castTo(DataType.BFLOAT16);
                    assertRoundedInPartsAsAfter(a, transA, b, transB, m + "x" + k + "x" + n + " " + transA + transB);
                }
            }
        }
        INDArray q = Nd4j.randn(DataType.FLOAT, 6, 4, 64, 32).castTo(DataType.BFLOAT16);
        INDArray kv = Nd4j.randn(DataType.FLOAT, 6, 4, 64, 32).castTo(DataType.BFLOAT16);
        assertRoundedInPartsAsAfter(q, false, kv, true, "batched");
        assertThrows(IllegalArgumentException.class, () -> OneDnnMatmul.multiplyRoundedToBfloat16(q, false, kv, true,
                Nd4j.createUninitialized(DataType.FLOAT, 6, 4, 64, 64).permute(0, 1, 3, 2)));
    }

    @Test
    void aRowAddedInTheProductEqualsTheRowAddedAfterIt() {
        assumeTrue(OneDnn.hasNativeBfloat16(), "no native bfloat16 on this processor");
        Nd4j.getRandom().setSeed(18);
        // split by rows, by columns (each part takes its columns of the row), and alone; long sums
        // (k = 3072, summed in several blocks) as in a feed-forward layer's second product
        for (int[] mkn : new int[][] {{600, 96, 200}, {150, 3072, 900}, {3, 8, 5}}) {
            int m = mkn[0];
            int k = mkn[1];
            int n = mkn[2];
            INDArray x = Nd4j.randn(DataType.FLOAT, m, k).castTo(DataType.BFLOAT16);
            INDArray w = Nd4j.randn(DataType.FLOAT, n, k).castTo(DataType.BFLOAT16);
            INDArray row = Nd4j.randn(DataType.FLOAT, n).muli(4);
            String what = m + "x" + k + "x" + n;
            INDArray sums = Nd4j.createUninitialized(DataType.FLOAT, m, n);
            OneDnnMatmul.multiply(x, false, w, true, sums, 1.0, 0.0);
            sums.addiRowVector(row);                                            // float32 sums + row, then one rounding

            INDArray plain = Nd4j.createUninitialized(DataType.FLOAT, m, n);
            OneDnnMatmul.multiplyPlusRow(x, false, w, true, row, plain, false);
            assertArrayEquals(sums.data().asFloat(), plain.data().asFloat(), what + ": float32");

            INDArray rounded = Nd4j.createUninitialized(DataType.FLOAT, m, n);
            OneDnnMatmul.multiplyPlusRow(x, false, w, true, row, rounded, true);
            INDArray expected = sums.dup();
            OneDnnCast.roundToBfloat16InPlace(expected);
            assertArrayEquals(expected.data().asFloat(), rounded.data().asFloat(), what + ": bfloat16 values");

            INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, m, n);
            OneDnnMatmul.multiplyPlusRow(x, false, w, true, row, low, false);
            assertArrayEquals(expected.data().asFloat(), low.castTo(DataType.FLOAT).data().asFloat(), what + ": bfloat16");
        }
        INDArray x = Nd4j.randn(DataType.FLOAT, 4, 8).castTo(DataType.BFLOAT16);
        INDArray w = Nd4j.randn(DataType.FLOAT, 5, 8).castTo(DataType.BFLOAT16);
        assertThrows(IllegalArgumentException.class, () -> OneDnnMatmul.multiplyPlusRow(x, false, w, true,
                Nd4j.zeros(DataType.FLOAT, 4), Nd4j.createUninitialized(DataType.FLOAT, 4, 5), false));
        assertThrows(IllegalArgumentException.class, () -> OneDnnMatmul.multiplyPlusRow(x, false, w, true,
                Nd4j.zeros(DataType.FLOAT, 5), Nd4j.createUninitialized(DataType.BFLOAT16, 4, 5), true));
    }

    private static void assertRoundedInPartsAsAfter(INDArray a, boolean transA, INDArray b, boolean transB, String what) {
        int r = a.rank();
        long[] shape = a.shape().clone();
        shape[r - 2] = a.size(transA ? r - 1 : r - 2);
        shape[r - 1] = b.size(transB ? r - 2 : r - 1);
        INDArray after = Nd4j.createUninitialized(DataType.FLOAT, shape);
        OneDnnMatmul.multiply(a, transA, b, transB, after, 1.0, 0.0);
        OneDnnCast.roundToBfloat16InPlace(after);
        INDArray inParts = Nd4j.createUninitialized(DataType.FLOAT, shape);
        OneDnnMatmul.multiplyRoundedToBfloat16(a, transA, b, transB, inParts);
        assertArrayEquals(after.data().asFloat(), inParts.data().asFloat(), what);     // bit for bit
        assertEquals(after.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT), inParts, what + ": bfloat16 values");
    }

    @Test
    void bfloat16ConversionRoundsAsNd4jsCast() {
        // ties, values between bfloat16 neighbours, signs, tiny and huge magnitudes, infinities
        float[] values = {1.00390625f, 1.01171875f, -1.00390625f, 1.0039063f, 3.1415927f, -2.7182817f, 1e-30f, 3e38f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 65504f, 1e-40f};
        INDArray x = Nd4j.createFromArray(values);
        INDArray random = Nd4j.randn(DataType.FLOAT, 301, 257);                 // long enough to split across cores
        for (INDArray in : new INDArray[] {x, random, random.transpose()}) {
            INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, in.shape());
            OneDnnCast.toBfloat16(in, low);
            assertEquals(in.castTo(DataType.BFLOAT16), low.reshape(in.shape()));
            INDArray back = Nd4j.createUninitialized(DataType.FLOAT, in.shape());
            OneDnnCast.toFloat(low, back);
            assertEquals(in.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT), back);
        }
        assertThrows(IllegalArgumentException.class, () -> OneDnnCast.toBfloat16(x, Nd4j.createUninitialized(
                DataType.BFLOAT16, values.length + 1)));
    }

    @Test
    void roundingInPlaceGivesTheBfloat16Values() {
        float[] values = {1.00390625f, 1.01171875f, -1.00390625f, 1.0039063f, 3.1415927f, -2.7182817f, 1e-30f, 3e38f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 65504f, 1e-40f};
        INDArray ties = Nd4j.createFromArray(values);
        INDArray random = Nd4j.randn(DataType.FLOAT, 301, 257);                 // several pieces on each core
        for (INDArray in : new INDArray[] {ties, random}) {
            INDArray rounded = in.dup();
            OneDnnCast.roundToBfloat16InPlace(rounded);
            assertEquals(in.castTo(DataType.BFLOAT16).castTo(DataType.FLOAT), rounded);
        }
        assertThrows(IllegalArgumentException.class, () -> OneDnnCast.roundToBfloat16InPlace(random.transpose()));
    }

    private static DataType[] operandTypes() {
        return OneDnn.hasNativeBfloat16() ? new DataType[] {DataType.FLOAT, DataType.BFLOAT16}
                : new DataType[] {DataType.FLOAT};
    }

    /** layout 0: row-major; 1: column-major (a transposed view); 2: a strided slice of a wider matrix. */
    private static INDArray operand(DataType type, int rows, int cols, int layout) {
        return switch (layout) {
            case 0 -> Nd4j.rand(DataType.FLOAT, rows, cols).castTo(type);
            case 1 -> Nd4j.rand(DataType.FLOAT, cols, rows).castTo(type).transpose();
            default -> Nd4j.rand(DataType.FLOAT, rows + 2, cols + 3).castTo(type)
                    .get(NDArrayIndex.interval(1, rows + 1), NDArrayIndex.interval(2, cols + 2));
        };
    }

    private static void assertClose(INDArray expected, INDArray actual, double relative, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what);
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        for (int i = 0; i < expected.size(0); i++) {
            for (int j = 0; j < expected.size(1); j++) {
                assertEquals(expected.getDouble(i, j), actual.getDouble(i, j), relative * scale * 10,
                        what + ": element " + i + "," + j);
            }
        }
    }
}
