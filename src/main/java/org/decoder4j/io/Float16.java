package org.decoder4j.io;

/**
 * IEEE 754 half precision (binary16) bit patterns to and from {@code float}, rounding to nearest
 * even as numpy and PyTorch do.
 */
final class Float16 {

    private Float16() {
    }

    /** The float value of a binary16 bit pattern; exact. */
    static float toFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {                       // infinity or NaN
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {                          // zero or subnormal: mantissa * 2^-24
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The nearest binary16 value (ties to even); beyond ±65504 rounds to infinity. */
    static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7FFFFFFF;
        if (abs >= 0x7F800000) {                      // infinity or NaN (kept quiet, payload truncated)
            return (short) (abs == 0x7F800000 ? sign | 0x7C00 : sign | 0x7E00 | ((abs >>> 13) & 0x3FF));
        }
        if (abs >= 0x477FF000) {                      // >= 65520: rounds to infinity
            return (short) (sign | 0x7C00);
        }
        if (abs <= 0x33000000) {                      // <= 2^-25: rounds to zero
            return (short) sign;
        }
        if (abs < 0x38800000) {                       // below 2^-14: a subnormal half, units of 2^-24
            int exponent = abs >>> 23;
            int mantissa = (abs & 0x7FFFFF) | 0x800000;
            int shift = 126 - exponent;               // 14..24
            int q = mantissa >>> shift;
            int rest = mantissa & ((1 << shift) - 1);
            int halfway = 1 << (shift - 1);
            if (rest > halfway || (rest == halfway && (q & 1) == 1)) {
                q++;
            }
            return (short) (sign | q);
        }
        int q = (((abs >>> 23) - 112) << 10) | ((abs & 0x7FFFFF) >>> 13);
        int rest = abs & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (q & 1) == 1)) {
            q++;                                      // a carry into the exponent is still correct
        }
        return (short) (sign | q);
    }
}
