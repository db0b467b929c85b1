package org.decoder4j.tensor;

import static org.decoder4j.tensor.GradientCheck.assertGradients;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TokenLogProbOpTest {

    @Test
    void valuesAreLogSoftmaxAtTheToken() {
        INDArray logits = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {0, 0, 0}});
        Tensor logp = TokenLogProbOp.apply(Tensor.constant(logits), Nd4j.createFromArray(2L, 1L));
        double z = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        assertEquals(3 - z, logp.value().getDouble(0), 1e-12);
        assertEquals(-Math.log(3), logp.value().getDouble(1), 1e-12);
        assertThrows(IllegalArgumentException.class,
                () -> TokenLogProbOp.apply(Tensor.constant(logits), Nd4j.createFromArray(3L, 0L)));
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        Nd4j.getRandom().setSeed(11);
        INDArray logits = Nd4j.randn(DataType.DOUBLE, 5, 4);
        INDArray tokens = Nd4j.createFromArray(3L, 0L, 0L, 2L, 1L);
        assertGradients(t -> TokenLogProbOp.apply(t[0], tokens), logits);
    }
}
