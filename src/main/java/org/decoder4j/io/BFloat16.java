package org.decoder4j.io;

/**
 * bfloat16 bit patterns (the top half of a float32) to and from {@code float}, rounding to
 * nearest even as PyTorch does.
 */
final class BFloat16 {

    private BFloat16() {
    }

    /** The float value of a bfloat16 bit pattern; exact. */
    static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xFFFF) << 16);
    }

    /** The nearest bfloat16 value (ties to even); NaN stays a quiet NaN. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }
}
