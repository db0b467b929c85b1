package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Arrays longer than one buffer (2^29 − 1 floats: GPT-2 large's 774 M parameters in one flat array)
 * reach the kernels in pieces. Allocating such arrays here would take gigabytes, so the tests shrink
 * the piece instead: the same array updated or summed in several pieces must give what one piece
 * gives.
 */
class PiecewiseKernelTest {

    private static final int BLOCK = 4096;

    @Test
    void aBufferOverPartOfAnArrayStartsAtItsFirstElementAndWritesThrough() {
        float[] values = new float[100];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        INDArray x = Nd4j.createFromArray(values);                              // 0, 1, …, 99
        FloatBuffer part = FloatMemory.of(x, 40, 10);
        assertEquals(10, part.capacity());
        assertEquals(40f, part.get(0));
        assertEquals(49f, part.get(9));
        part.put(3, -1f);
        assertEquals(-1f, x.getFloat(43));
        assertEquals(42f, x.getFloat(42));
        assertEquals(0f, FloatMemory.of(x, 0, 100).get(0));
    }

    @Test
    void aPieceBeyondTheFirstTwoGigabytesIsReached() {
        long n = FloatMemory.MAX_BUFFER_LENGTH + 2L * BLOCK;                    // 2^29 + 8191 floats, 2.1 GB
        long free = Pointer.maxBytes() - Pointer.totalBytes();
        assumeTrue(free > n * Float.BYTES + (256L << 20),
                "needs " + (n * Float.BYTES >> 20) + " MB of native memory, " + (free >> 20) + " MB allowed");
        INDArray x = Nd4j.createUninitialized(DataType.FLOAT, n);
        try {
            long from = n - BLOCK;
            FloatBuffer last = FloatMemory.of(x, from, BLOCK);
            assertEquals(BLOCK, last.capacity());
            last.put(BLOCK - 1, 7f);
            last.put(0, 3f);
            assertEquals(7f, x.getFloat(n - 1));
            assertEquals(3f, x.getFloat(from));
            assertEquals(3f, FloatMemory.of(x, from - 1, 2).get(1));
            assertFalse(FloatMemory.isDenseFloat(x), "longer than one buffer");
            assertThrows(IllegalArgumentException.class, () -> FloatMemory.of(x));
        } finally {
            x.close();
        }
    }

    @Test
    void piecesOutsideTheArrayOrOfOtherTypesAreRefused() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 100);
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMemory.of(x, 95, 10));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatMemory.of(x, -1, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatMemory.of(Nd4j.zeros(DataType.DOUBLE, 100), 0, 10));
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
        assertTrue(FloatMemory.isDenseFloatOfAnyLength(x));
        assertFalse(FloatMemory.isDenseFloatOfAnyLength(Nd4j.zeros(DataType.FLOAT, 10, 10).transpose()));
    }

    @Test
    void adamInPiecesEqualsAdamInOnePiece() {
        int n = 7 * BLOCK + 5;                                                   // the last piece is short
        Nd4j.getRandom().setSeed(5);
        INDArray w = Nd4j.randn(DataType.FLOAT, n).muli(0.02);
        INDArray m = Nd4j.randn(DataType.FLOAT, n).muli(0.01);
        INDArray v = Nd4j.rand(DataType.FLOAT, n).muli(0.001);
        INDArray g = Nd4j.randn(DataType.FLOAT, n);
        INDArray[] whole = {w.dup(), m.dup(), v.dup()};
        INDArray[] pieces = {w.dup(), m.dup(), v.dup()};
        AdamKernel.update(whole[0], g, whole[1], whole[2], 1e-3, 0.1, true, 0.9, 0.99, 1e-8, 0.19, 0.14,
                AdamKernel.PIECE);
        AdamKernel.update(pieces[0], g, pieces[1], pieces[2], 1e-3, 0.1, true, 0.9, 0.99, 1e-8, 0.19, 0.14,
                3 * BLOCK);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(whole[i].toFloatVector(), pieces[i].toFloatVector(), 0f);
        }
        assertTrue(whole[0].sub(w).amaxNumber().doubleValue() > 1e-4, "the update moved the parameters");
    }

    @Test
    void aSumOfSquaresInPiecesEqualsTheExactSum() {
        int n = 300_001;
        Nd4j.getRandom().setSeed(9);
        INDArray g = Nd4j.randn(DataType.FLOAT, n);
        double exact = g.castTo(DataType.DOUBLE).norm2Number().doubleValue();
        exact *= exact;
        double whole = SumOfSquaresKernel.of(g);
        double pieces = SumOfSquaresKernel.of(g, 70_000);
        assertEquals(exact, whole, exact * 1e-12);
        assertEquals(exact, pieces, exact * 1e-12);
    }
}
