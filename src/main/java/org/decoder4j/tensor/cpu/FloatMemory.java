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

    /**
     * The most float32 elements one buffer covers: a direct buffer's size in bytes is an {@code int}.
     * Longer arrays are reached in pieces with {@link #of(INDArray, long, int)}.
     */
    public static final int MAX_BUFFER_LENGTH = Integer.MAX_VALUE / Float.BYTES;

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
     * Whether an array of this many float32 elements fits one buffer ({@link #MAX_BUFFER_LENGTH}):
     * the test for arrays a kernel is about to allocate and expose whole.
     *
     * @param elements an element count
     * @return true if one buffer covers that many elements
     */
    public static boolean fitsOneBuffer(long elements) {
        return elements <= MAX_BUFFER_LENGTH;
    }

    /**
     * Whether {@link #of(INDArray)} can expose this array without a copy: dense float32 on the CPU
     * backend, and no longer than {@link #MAX_BUFFER_LENGTH}. Kernels that work on single buffers
     * leave longer arrays to ND4J's own ops.
     *
     * @param x an array
     * @return true if it can be exposed as one buffer without a copy
     */
    public static boolean isDenseFloat(INDArray x) {
        return fitsOneBuffer(x.length()) && isDenseFloatOfAnyLength(x);
    }

    /**
     * Whether {@link #of(INDArray, long, int)} can expose pieces of this array without a copy: dense
     * float32 on the CPU backend, of any length.
     *
     * @param x an array
     * @return true if its pieces can be exposed without a copy
     */
    public static boolean isDenseFloatOfAnyLength(INDArray x) {
        return x.dataType() == DataType.FLOAT && HOST_MEMORY && isDense(x);
    }

    /**
     * Whether the array's elements lie in C order without gaps, whatever their type.
     *
     * @param x an array
     * @return true if its strides are those of a C-ordered array of its shape
     */
    public static boolean isDense(INDArray x) {
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
     * @param x a dense float32 array of at most {@link #MAX_BUFFER_LENGTH} elements
     * @return a buffer over its memory
     */
    public static FloatBuffer of(INDArray x) {
        if (!fitsOneBuffer(x.length())) {
            throw new IllegalArgumentException("an array of " + x.length() + " elements is longer than one buffer ("
                    + MAX_BUFFER_LENGTH + "); take it in pieces with of(x, from, length)");
        }
        return of(x, 0, (int) x.length());
    }

    /**
     * Elements {@code from … from+length−1} of the array in C order; reads and writes go to the
     * array itself, and index 0 of the buffer is element {@code from}.
     *
     * <pre>{@code
     * FloatBuffer second = FloatMemory.of(x, 1L << 28, 1 << 28);   // the second 2^28 elements
     * }</pre>
     *
     * @param x      a dense float32 array of any length
     * @param from   the first element
     * @param length how many elements, at most {@link #MAX_BUFFER_LENGTH}
     * @return a buffer over that part of its memory
     */
    public static FloatBuffer of(INDArray x, long from, int length) {
        if (!isDenseFloatOfAnyLength(x)) {
            throw new IllegalArgumentException("expected a dense C-ordered float32 array, got "
                    + x.dataType() + " " + x.shapeInfoToString());
        }
        if (from < 0 || length < 0 || length > MAX_BUFFER_LENGTH || from + length > x.length()) {
            throw new IndexOutOfBoundsException("elements [" + from + ", " + from + " + " + length
                    + ") of an array of " + x.length());
        }
        FloatPointer pointer = (FloatPointer) x.data().addressPointer();
        long first = pointer.address() + (pointer.position() + from) * Float.BYTES;
        // a pointer that starts at the piece: JavaCPP sizes a buffer by its end in bytes from the
        // pointer's address, which must stay within an int whatever the piece's offset
        FloatPointer piece = new FloatPointer(pointer) {
            {
                address = first;
            }
        };
        return piece.position(0).capacity(length).limit(length).asBuffer();
    }
}
