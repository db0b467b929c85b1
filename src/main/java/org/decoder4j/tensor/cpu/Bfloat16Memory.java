package org.decoder4j.tensor.cpu;

import java.nio.ShortBuffer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The memory of a contiguous bfloat16 array as a {@link ShortBuffer} of bit patterns, and rows of
 * them widened to float32 and rounded back: for the kernels that compute in float32 on heap rows
 * and read or write bfloat16 arrays (the cross-entropy of logits kept in bfloat16). Widening is
 * exact; narrowing rounds to nearest, ties to even, as oneDNN's reorder and PyTorch's cast do, and
 * keeps NaN a quiet NaN.
 *
 * <pre>{@code
 * ShortBuffer bits = Bfloat16Memory.of(logits);        // logits: bfloat16, C-ordered, dense
 * bits.get(r * vocab, rowBits);
 * Bfloat16Memory.widen(rowBits, row, vocab);           // row: float[vocab], the exact values
 * Bfloat16Memory.narrow(row, rowBits, vocab);          // rounded to nearest even
 * }</pre>
 */
public final class Bfloat16Memory {

    /** The most bfloat16 elements one buffer covers: a direct buffer's size in bytes is an {@code int}. */
    public static final int MAX_BUFFER_LENGTH = Integer.MAX_VALUE / Short.BYTES;

    private Bfloat16Memory() {
    }

    /**
     * Whether {@link #of} can expose this array without a copy: dense bfloat16 on the CPU backend,
     * no longer than {@link #MAX_BUFFER_LENGTH}.
     *
     * @param x an array
     * @return true if it can be exposed as one buffer
     */
    public static boolean isDenseBfloat16(INDArray x) {
        return x.dataType() == DataType.BFLOAT16 && FloatMemory.isHostMemory() && x.length() <= MAX_BUFFER_LENGTH
                && FloatMemory.isDense(x);
    }

    /**
     * The array's bfloat16 bit patterns in C order; reads and writes go to the array itself.
     *
     * @param x a dense bfloat16 array ({@link #isDenseBfloat16})
     * @return a buffer over its memory
     */
    public static ShortBuffer of(INDArray x) {
        if (!isDenseBfloat16(x)) {
            throw new IllegalArgumentException("expected a dense C-ordered bfloat16 array of at most "
                    + MAX_BUFFER_LENGTH + " elements, got " + x.dataType() + " " + x.shapeInfoToString());
        }
        Pointer pointer = x.data().addressPointer();
        long first = pointer.address() + pointer.position() * Short.BYTES;
        int length = (int) x.length();
        ShortPointer whole = new ShortPointer(pointer) {
            {
                address = first;
            }
        };
        return whole.position(0).capacity(length).limit(length).asBuffer();
    }

    /** {@code row[j] = } the float32 value of the bfloat16 bits {@code bits[j]}, for j below {@code length}; exact. */
    public static void widen(short[] bits, float[] row, int length) {
        for (int j = 0; j < length; j++) {
            row[j] = Float.intBitsToFloat(bits[j] << 16);
        }
    }

    /**
     * {@code bits[j] = row[j]} rounded to the nearest bfloat16 (ties to even), for j below
     * {@code length}; ±∞ and values past bfloat16's largest stay or become infinite, NaN stays a
     * quiet NaN.
     */
    public static void narrow(float[] row, short[] bits, int length) {
        float largest = 0f;                                                      // NaN if any is NaN
        for (int j = 0; j < length; j++) {
            largest = Math.max(largest, Math.abs(row[j]));
        }
        if (Float.isNaN(largest)) {
            for (int j = 0; j < length; j++) {
                bits[j] = nearest(row[j]);
            }
            return;
        }
        for (int j = 0; j < length; j++) {                                       // no NaN: the rounding alone
            int b = Float.floatToRawIntBits(row[j]);
            bits[j] = (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
        }
    }

    /** The nearest bfloat16 bits of one value, ties to even; NaN becomes a quiet NaN of the same sign. */
    private static short nearest(float value) {
        int b = Float.floatToRawIntBits(value);
        if ((b & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((b >>> 16) | 0x40);
        }
        return (short) ((b + 0x7FFF + ((b >>> 16) & 1)) >>> 16);
    }
}
