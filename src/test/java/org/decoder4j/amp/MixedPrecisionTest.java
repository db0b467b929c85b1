package org.decoder4j.amp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MixedPrecisionTest {

    @Test
    void fp16GetsANewDefaultScalerPerRun() {
        MixedPrecision fp16 = MixedPrecision.of(Precision.FP16_MIXED);
        GradScaler first = fp16.newScaler();
        assertNotNull(first);
        assertEquals(65536.0, first.getScale(), 0.0);
        assertNotSame(first, fp16.newScaler());
    }

    @Test
    void fp32AndBf16ScaleOnlyWithAGivenScaler() {
        assertNull(MixedPrecision.FP32.newScaler());
        assertNull(MixedPrecision.of(Precision.BF16_MIXED).newScaler());
        GradScaler given = new GradScaler();
        assertSame(given, MixedPrecision.of(Precision.BF16_MIXED).withScaler(given).newScaler());
        assertSame(given, MixedPrecision.FP32.withScaler(given).withPrecision(Precision.FP16_MIXED).newScaler());
    }

    @Test
    void fp16WithoutLossScalingIsRefusedWhateverTheOrder() {
        MixedPrecision off = MixedPrecision.FP32.withoutLossScaling();
        assertNull(off.newScaler());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> off.withPrecision(Precision.FP16_MIXED).newScaler());
        assertTrue(e.getMessage().contains("loss scaling"), e.getMessage());
    }
}
