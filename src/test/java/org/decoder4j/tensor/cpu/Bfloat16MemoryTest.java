package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ShortBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Bfloat16Memory}: exact widening, rounding to nearest even, and the array's own memory. */
class Bfloat16MemoryTest {

    /** Round to nearest even on the bit pattern, written out case by case. */
    private static short reference(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);                              // quiet NaN, same sign
        }
        int upper = bits >>> 16;
        int lower = bits & 0xFFFF;
        if (lower > 0x8000 || lower == 0x8000 && (upper & 1) == 1) {
            upper++;                                                            // above half, or a tie to even
        }
        return (short) upper;
    }

    @Test
    void narrowingRoundsToNearestEvenOnEveryKindOfValue() {
        float[] row = {0f, -0f, 1f, 1.00390625f, 1.01171875f, 1.0039063f, 1.0039062f, -2.5e-39f,
            Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 3.3961776e38f, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, 65504f, 1e-30f, -7.0e-45f};
        short[] bits = new short[row.length];
        Bfloat16Memory.narrow(row, bits, row.length);
        for (int j = 0; j < row.length; j++) {
            assertEquals(reference(row[j]), bits[j], "bits of " + row[j]);
        }
        assertEquals((short) 0x3F80, bits[3], "1 + 2^-8 is a tie: to even, 1");
        assertEquals((short) 0x3F82, bits[4], "1 + 3·2^-8 is a tie: to even, 1 + 2^-6");
        assertEquals((short) 0x7F80, bits[11], "past bfloat16's largest: +∞");
    }

    @Test
    void aRowWithANaNKeepsItQuietAndRoundsTheRest() {
        float[] row = {1.5f, Float.intBitsToFloat(0x7F800001), 2.75f, Float.intBitsToFloat(0xFFFFFFFF), Float.NaN};
        short[] bits = new short[row.length];
        Bfloat16Memory.narrow(row, bits, row.length);
        for (int j = 0; j < row.length; j++) {
            assertEquals(reference(row[j]), bits[j], "bits of element " + j);
        }
        assertTrue(Float.isNaN(Float.intBitsToFloat(bits[1] << 16)), "a NaN with only low payload bits stays NaN");
        assertTrue(Float.isNaN(Float.intBitsToFloat(bits[3] << 16)), "a NaN with every payload bit stays NaN");
    }

    @Test
    void randomValuesRoundAsTheReferenceAndWidenExactly() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 100_003;
        float[] row = new float[n];
        for (int j = 0; j < n; j++) {
            row[j] = Float.intBitsToFloat(random.nextInt());                   // every exponent, NaN included
        }
        short[] bits = new short[n];
        Bfloat16Memory.narrow(row, bits, n);
        float[] back = new float[n];
        Bfloat16Memory.widen(bits, back, n);
        for (int j = 0; j < n; j++) {
            assertEquals(reference(row[j]), bits[j], "bits of " + row[j]);
            assertEquals(bits[j] << 16, Float.floatToRawIntBits(back[j]), "widened " + j);
        }
    }

    @Test
    void theBufferReadsAndWritesTheArraysMemory() {
        INDArray x = Nd4j.createFromArray(new float[] {1f, -2.5f, 3.125f, 0.1f, 7f, -0f}).reshape(2, 3)
                .castTo(DataType.BFLOAT16);
        ShortBuffer buffer = Bfloat16Memory.of(x);
        assertEquals(6, buffer.limit());
        short[] bits = new short[6];
        buffer.get(0, bits);
        float[] values = new float[6];
        Bfloat16Memory.widen(bits, values, 6);
        float[] expected = x.castTo(DataType.FLOAT).reshape(6).toFloatVector();
        for (int j = 0; j < 6; j++) {
            assertEquals(expected[j], values[j], 0f, "element " + j);
        }
        buffer.put(4, reference(-9.5f));
        assertEquals(-9.5f, x.getFloat(1, 1), 0f, "a write through the buffer lands in the array");
        assertThrows(IllegalArgumentException.class, () -> Bfloat16Memory.of(Nd4j.zeros(DataType.FLOAT, 3)));
        assertThrows(IllegalArgumentException.class, () -> Bfloat16Memory.of(x.transpose()));
    }
}
