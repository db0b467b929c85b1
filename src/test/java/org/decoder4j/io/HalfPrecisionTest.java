package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** float32 to binary16/bfloat16 and back, against values numpy produced. */
class HalfPrecisionTest {

    /** float32 value, the bits of numpy's float16 conversion (round to nearest even). */
    private static final float[][] NUMPY_FLOAT16 = {
        {0.0f, 0x0000}, {-0.0f, 0x8000}, {1.0f, 0x3C00}, {-2.5f, 0xC100}, {0.1f, 0x2E66},
        {65504.0f, 0x7BFF}, {65519.98828125f, 0x7BFF}, {65520.0f, 0x7C00}, {100000.0f, 0x7C00},
        {5.960464477539063e-08f, 0x0001}, {2.9802322387695312e-08f, 0x0000}, {2.980232594040899e-08f, 0x0001},
        {9.99999993922529e-09f, 0x0000}, {6.103515625e-05f, 0x0400}, {6.097555160522461e-05f, 0x03FF},
        {1.00048828125f, 0x3C00}, {1.00146484375f, 0x3C02}, {3.1415927410125732f, 0x4248},
        {0.3333333432674408f, 0x3555}, {9.999999974752427e-07f, 0x0011}, {-7.500000265281415e-07f, 0x800D},
    };

    @Test
    void float16MatchesNumpyIncludingTiesSubnormalsAndOverflow() {
        for (float[] row : NUMPY_FLOAT16) {
            assertEquals((int) row[1], Float16.fromFloat(row[0]) & 0xFFFF, "float16 of " + row[0]);
        }
        assertEquals(0x7C00, Float16.fromFloat(Float.POSITIVE_INFINITY) & 0xFFFF);
        assertEquals(0xFC00, Float16.fromFloat(Float.NEGATIVE_INFINITY) & 0xFFFF);
        assertTrue(Float.isNaN(Float16.toFloat(Float16.fromFloat(Float.NaN))));
    }

    @Test
    void everyFloat16BitPatternSurvivesARoundTrip() {
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Float16.toFloat((short) bits);
            boolean nan = (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF) != 0;
            if (nan) {
                assertTrue(Float.isNaN(f));
            } else {
                assertEquals(bits, Float16.fromFloat(f) & 0xFFFF, "bits " + Integer.toHexString(bits));
            }
        }
        assertEquals(65504f, Float16.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, Float16.toFloat((short) 0x0001));
        assertEquals(-0x1p-14f, Float16.toFloat((short) 0x8400));
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals(0x3F80, BFloat16.fromFloat(1f) & 0xFFFF);
        assertEquals(0x3DCD, BFloat16.fromFloat(0.1f) & 0xFFFF);
        // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even 1.0
        assertEquals(0x3F80, BFloat16.fromFloat(1f + 0x1p-8f) & 0xFFFF);
        // 1 + 3·2^-8 is halfway between 1 + 2^-7 (odd) and 1 + 2^-6: rounds up to even
        assertEquals(0x3F82, BFloat16.fromFloat(1f + 3 * 0x1p-8f) & 0xFFFF);
        assertEquals(0x7F80, BFloat16.fromFloat(Float.MAX_VALUE) & 0xFFFF);     // overflows to infinity
        assertTrue(Float.isNaN(BFloat16.toFloat(BFloat16.fromFloat(Float.NaN))));
        for (int bits = 0; bits < 0x10000; bits++) {
            if ((bits & 0x7F80) != 0x7F80 || (bits & 0x7F) == 0) {
                assertEquals(bits, BFloat16.fromFloat(BFloat16.toFloat((short) bits)) & 0xFFFF);
            }
        }
    }
}
