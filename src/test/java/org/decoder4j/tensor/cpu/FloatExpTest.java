package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The vectorisable float32 exponential against the exact one: within one unit in the last place
 * everywhere in float32's range, mostly the correctly rounded float, the edges and NaN as
 * documented, and the same bits whether an element goes through a long (vector) run or alone.
 */
class FloatExpTest {

    @Test
    void withinOneUlpOfTheExactExponential() {
        int n = 2_000_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -87f + 175f * i / (n - 1);                                   // [−87, 88]
        }
        float[] y = x.clone();
        FloatExp.ofDifferenceInPlace(y, 0, n, 0f, new float[n]);
        double worst = 0;
        int correctlyRounded = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(y[i] - exact) / Math.ulp((float) exact));
            correctlyRounded += y[i] == (float) exact ? 1 : 0;
        }
        assertTrue(worst <= 1.0, "largest error " + worst + " ulp");
        assertTrue(correctlyRounded > 0.85 * n, correctlyRounded + " of " + n + " correctly rounded");
    }

    @Test
    void edgesAndSpecialValues() {
        float[] x = {0f, -0f, 1f, -1f, -88f, -200f, Float.NEGATIVE_INFINITY, Float.NaN, 89f, Float.POSITIVE_INFINITY,
                -Float.MAX_VALUE};
        float[] y = x.clone();
        FloatExp.ofDifferenceInPlace(y, 0, y.length, 0f, new float[y.length]);
        assertEquals(1f, y[0]);
        assertEquals(1f, y[1]);
        assertEquals((float) Math.E, y[2], Math.ulp((float) Math.E));
        assertEquals((float) Math.exp(-1), y[3], Math.ulp((float) Math.exp(-1)));
        assertEquals(0f, y[4]);                                                   // below the smallest normal
        assertEquals(0f, y[5]);
        assertEquals(0f, y[6]);
        assertTrue(Float.isNaN(y[7]));
        assertEquals(Float.POSITIVE_INFINITY, y[8]);
        assertEquals(Float.POSITIVE_INFINITY, y[9]);
        assertEquals(0f, y[10]);
    }

    @Test
    void theShiftIsSubtractedInFloat32() {
        Random random = new Random(3);
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextFloat() * 40f - 30f;
        }
        float shift = 7.3f;
        float[] shifted = x.clone();
        FloatExp.ofDifferenceInPlace(shifted, 0, x.length, shift, new float[x.length]);
        float[] differences = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            differences[i] = x[i] - shift;
        }
        FloatExp.ofDifferenceInPlace(differences, 0, x.length, 0f, new float[x.length]);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(differences[i]), Float.floatToRawIntBits(shifted[i]), "element " + i);
        }
    }

    @Test
    void anElementAloneGetsTheBitsItGetsInALongRun() {
        Random random = new Random(5);
        float[] x = new float[4099];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 20);
        }
        for (int round = 0; round < 20; round++) {                                // long enough for the JIT to compile the loops
            float[] run = x.clone();
            FloatExp.ofDifferenceInPlace(run, 3, x.length, 1.5f, new float[x.length]);
            for (int i = 3; i < x.length; i += 7) {
                float[] alone = {x[i]};
                FloatExp.ofDifferenceInPlace(alone, 0, 1, 1.5f, new float[1]);
                assertEquals(Float.floatToRawIntBits(alone[0]), Float.floatToRawIntBits(run[i]), "element " + i);
            }
            assertEquals(Float.floatToRawIntBits(x[0]), Float.floatToRawIntBits(run[0]));  // before from: untouched
        }
    }
}
