package org.decoder4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Rounds float32 arrays to the values bfloat16 or float16 can hold, keeping them float32: how
 * {@link Autocast} emulates low-precision products on builds without fast kernels. ND4J's type
 * casts cost far more per element (docs/benchmarks.md, "Measurements behind the code"); this is
 * three vectorised float32 operations.
 *
 * <p>The significand is cut by Veltkamp's split: with {@code f = 2^(24−p) + 1},
 * {@code t = f·x}, the float32 value {@code t − (t − x)} is {@code x} rounded to {@code p}
 * significant bits, to nearest. It equals a cast to bfloat16 ({@code p = 8}) or float16
 * ({@code p = 11}) except, possibly, on exact ties. For float16 the range is applied as well:
 * magnitudes from 65536 up become infinite (overflow, which loss scaling detects) and those below
 * 2^-24 become zero (underflow); float16's subnormals between 2^-24 and 2^-14 keep more bits than
 * float16 would. Inputs above about 5·10^33 in magnitude overflow in {@code t} and come out NaN
 * rather than infinite: not finite either way, which is what loss scaling looks for.
 *
 * <p>Memory: the split's temporary {@code t} is allocated outside the step's {@link MemoryScope}
 * and freed at once, so a rounding leaves only its result in the scope (nothing, when rounding in
 * place); the scope's workspace otherwise keeps every temporary until the step ends.
 */
final class LowPrecisionRounding {

    private static final double BF16_SPLIT = Math.scalb(1.0, 24 - 8) + 1;
    private static final double FP16_SPLIT = Math.scalb(1.0, 24 - 11) + 1;
    private static final double FP16_OVERFLOW = 65536;
    private static final double FP16_UNDERFLOW = Math.scalb(1.0, -24);

    private LowPrecisionRounding() {
    }

    /** {@code x} rounded to bfloat16's 8 significant bits, as a new float32 array. */
    static INDArray toBfloat16(INDArray x) {
        return toBfloat16InPlace(x.dup());
    }

    /** {@code x} rounded to float16's 11 significant bits and range, as a new float32 array. */
    static INDArray toFloat16(INDArray x) {
        return toFloat16InPlace(x.dup());
    }

    /** Rounds {@code x} to bfloat16 values in place; returns it. */
    static INDArray toBfloat16InPlace(INDArray x) {
        return splitInPlace(x, BF16_SPLIT);
    }

    /** Rounds {@code x} to float16 values and range in place; returns it. */
    static INDArray toFloat16InPlace(INDArray x) {
        INDArray y = splitInPlace(x, FP16_SPLIT);
        BooleanIndexing.replaceWhere(y, Double.POSITIVE_INFINITY, Conditions.greaterThanOrEqual(FP16_OVERFLOW));
        BooleanIndexing.replaceWhere(y, Double.NEGATIVE_INFINITY, Conditions.lessThanOrEqual(-FP16_OVERFLOW));
        BooleanIndexing.replaceWhere(y, 0.0, Conditions.absLessThan(FP16_UNDERFLOW));
        return y;
    }

    private static INDArray splitInPlace(INDArray x, double factor) {
        INDArray t = MemoryScope.persistent(() -> x.mul(factor));               // f·x, outside the scope
        x.rsubi(t);                                                             // x ← f·x − x
        x.rsubi(t);                                                             // x ← f·x − (f·x − x)
        t.close();
        return x;
    }
}
