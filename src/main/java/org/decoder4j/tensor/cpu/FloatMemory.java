package org.decoder4j.tensor.cpu;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The memory of a contiguous float32 array as a {@link FloatBuffer}, for the fused kernels that
 * make one pass in Java where ND4J would make several native calls, each with its own fixed cost.
 *
 * <pre>{@code
 * FloatBuffer xs = FloatMemory.of(x);       // x: float32, C-ordered, dense
 * float first = xs.get(0);
 * }</pre>
 */
public final class FloatMemory {

    /** Arrays live in host memory only on ND4J's CPU backend; elsewhere the fused kernels stay off. */
    private static final boolean HOST_MEMORY =
            Nd4j.getBackend().getClass().getName().startsWith("org.nd4j.linalg.cpu.");

    private FloatMemory() {
    }

    /** Whether ND4J runs on its CPU backend, where arrays are plain host memory. */
    public static boolean isHostMemory() {
        return HOST_MEMORY;
    }

    /**
     * Whether {@link #of} can expose this array without a copy (dense float32 on the CPU backend).
     *
     * @param x an array
     * @return true if it can be exposed without a copy
     */
    public static boolean isDenseFloat(INDArray x) {
        if (x.dataType() != DataType.FLOAT || !HOST_MEMORY) {
            return false;
        }
        // C-order strides, ignoring axes of size 1 (ND4J labels some dense vector views 'f')
        long[] shape = x.shape();
        long[] stride = x.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * The array's elements in C order; reads and writes go to the array itself.
     *
     * @param x a dense float32 array
     * @return a buffer over its memory
     */
    public static FloatBuffer of(INDArray x) {
        if (!isDenseFloat(x)) {
            throw new IllegalArgumentException("expected a dense C-ordered float32 array, got "
                    + x.dataType() + " " + x.shapeInfoToString());
        }
        long n = x.length();
        FloatPointer pointer = (FloatPointer) x.data().addressPointer();
        return pointer.capacity(n).limit(n).asBuffer();
    }
}
