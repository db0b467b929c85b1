package org.decoder4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.decoder4j.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The emulation's rounding against torch's casts (fixture {@code fixtures/amp}): equal on every
 * value except exact ties, which may go to either neighbour (one unit in the last place).
 */
class LowPrecisionRoundingTest {

    /** Indices of {@code rounding.in} that are exact ties: 1+2⁻⁸, 1+3·2⁻⁸, −(1+2⁻⁸); 1+2⁻¹¹, 1+3·2⁻¹¹, 65520. */
    private static final Set<Integer> BF16_TIES = Set.of(64, 65, 67);
    private static final Set<Integer> FP16_TIES = Set.of(68, 69, 71);
    private static final int HUGE = 74;                                         // 3e38

    private static Map<String, INDArray> fixture() throws IOException {
        return SafeTensors.read(Path.of("src/test/resources/fixtures/amp/amp.safetensors"));
    }

    @Test
    void bfloat16() throws IOException {
        Map<String, INDArray> f = fixture();
        INDArray in = f.get("rounding.in");
        INDArray ours = LowPrecisionRounding.toBfloat16(in);
        INDArray torch = f.get("rounding.bf16");
        for (int i = 0; i < in.length(); i++) {
            float x = in.getFloat(i);
            float want = torch.getFloat(i);
            float got = ours.getFloat(i);
            if (BF16_TIES.contains(i)) {
                assertEquals(want, got, Math.abs(want) * 0x1p-7f, "tie " + x);
            } else if (i == HUGE) {
                assertFalse(Float.isFinite(got), "beyond the split's range");
            } else {
                assertEquals(want, got, 0f, "bfloat16 of " + x);
            }
        }
    }

    @Test
    void float16WithItsRange() throws IOException {
        Map<String, INDArray> f = fixture();
        INDArray in = f.get("rounding.in");
        INDArray ours = LowPrecisionRounding.toFloat16(in);
        INDArray torch = f.get("rounding.fp16");
        int infinite = 0;
        for (int i = 0; i < in.length(); i++) {
            float x = in.getFloat(i);
            float want = torch.getFloat(i);
            float got = ours.getFloat(i);
            if (FP16_TIES.contains(i)) {
                assertTrue(got == want || Math.abs(got - want) <= Math.abs(x) * 0x1p-10f || Float.isInfinite(want),
                        "tie " + x + ": " + got + " vs " + want);
            } else if (i == HUGE) {
                assertFalse(Float.isFinite(got), "overflow");
            } else if (Math.abs(want) < 0x1p-14f) {
                assertEquals(want, got, 0x1p-24f, "float16 subnormal range, " + x);    // subnormals keep more bits
            } else {
                assertEquals(want, got, 0f, "float16 of " + x);
            }
            infinite += Float.isInfinite(want) ? 1 : 0;
        }
        assertTrue(infinite >= 2, "the fixture has values beyond float16's range");
    }
}
