package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class GradientSumTest {

    private static byte[] bytes(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.nativeOrder());
        b.asFloatBuffer().put(values);
        return b.array();
    }

    private static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).asFloatBuffer().get(out);
        return out;
    }

    private static WorkerGradients worker(int w, double loss, float... g) {
        return new WorkerGradients(w, bytes(g), loss, 10, w + 1, 10 * (w + 1), 100 * (w + 1));
    }

    @Test
    void oneWorkersBytesPassThroughUnchanged() {
        WorkerGradients only = worker(0, 2.5, 1f, -2f, 3.5f);
        GradientSum sum = new GradientSum(1).add(only);
        assertTrue(sum.complete());
        assertEquals(only.gradients(), sum.gradients(), "the same array, not a copy");
        assertEquals(2.5, sum.loss());
        assertEquals(10, sum.tokens());
    }

    @Test
    void sumsElementwiseAndAddsLossesInWorkerOrder() {
        GradientSum a = new GradientSum(3).add(worker(2, 0.25, 1f, 2f));
        GradientSum b = new GradientSum(3).add(worker(0, 0.5, 10f, 20f));
        GradientSum c = new GradientSum(3).add(worker(1, 1.0, 100f, 200f));
        GradientSum sum = new GradientSum(3).merge(a).merge(b);
        assertFalse(sum.complete());
        sum.merge(c);
        assertTrue(sum.complete());
        assertArrayEquals(new float[] {111f, 222f}, floats(sum.gradients()));
        assertEquals(0.5 + 1.0 + 0.25, sum.loss());
        assertEquals(30, sum.tokens());
        assertEquals(3, sum.fetchNanos(), "the slowest worker's");
        assertEquals(30, sum.computeNanos());
        assertEquals(300, sum.packNanos());
    }

    @Test
    void arrivalOrderDoesNotChangeTheFloatSum() {
        // float32 addition is not associative: (1e8 + 1) + -1e8 = 0 but 1e8 + (1 - 1e8) = 8
        float[] x = {1e8f, 0.1f};
        float[] y = {1f, 0.2f};
        float[] z = {-1e8f, 0.3f};
        byte[] xyz = new GradientSum(3).merge(new GradientSum(3).add(worker(0, 0, x)))
                .merge(new GradientSum(3).add(worker(1, 0, y))).merge(new GradientSum(3).add(worker(2, 0, z)))
                .gradients();
        byte[] zyx = new GradientSum(3).merge(new GradientSum(3).add(worker(2, 0, z)))
                .merge(new GradientSum(3).add(worker(1, 0, y))).merge(new GradientSum(3).add(worker(0, 0, x)))
                .gradients();
        assertArrayEquals(floats(xyz), floats(zyx));
        assertEquals(1f, floats(xyz)[0]);
        assertEquals((float) (0.1f + (double) 0.2f + 0.3f), floats(xyz)[1]);
    }

    @Test
    void twoWorkersAddInFloat32() {
        float a = 1e8f;
        float b = 3f;
        GradientSum ab = new GradientSum(2).merge(new GradientSum(2).add(worker(0, 0, a)))
                .merge(new GradientSum(2).add(worker(1, 0, b)));
        GradientSum ba = new GradientSum(2).merge(new GradientSum(2).add(worker(1, 0, b)))
                .merge(new GradientSum(2).add(worker(0, 0, a)));
        assertEquals(a + b, floats(ab.gradients())[0]);
        assertEquals(a + b, floats(ba.gradients())[0]);
    }

    @Test
    void aWorkerCountedTwiceIsAnError() {
        GradientSum sum = new GradientSum(2).add(worker(1, 0, 1f));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sum.add(worker(1, 0, 1f)));
        assertEquals("worker 1's gradients were added twice", e.getMessage());
    }

    @Test
    void vectorsOfDifferentLengthsAreAnError() {
        GradientSum sum = new GradientSum(2).add(worker(0, 0, 1f, 2f));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> sum.merge(new GradientSum(2).add(worker(1, 0, 1f))));
        assertEquals("gradient vectors of 2 and 1 values: the workers' model replicas differ", e.getMessage());
    }
}
