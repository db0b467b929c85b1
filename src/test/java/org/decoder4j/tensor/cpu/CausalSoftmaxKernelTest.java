package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.decoder4j.tensor.cpu.CausalSoftmaxKernel.SoftmaxRows;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The causal softmax's forward pass against its definition, and the weights the backward pass
 * rebuilds from recomputed scores: identical to the forward pass's, bit for bit.
 */
class CausalSoftmaxKernelTest {

    private static final long[] SHAPE = {2, 3, 90, 90};                          // 540 rows: split across cores
    private static final double SCALE = 0.125;

    @Test
    void forwardIsTheMaskedSoftmaxOfTheScaledScores() {
        INDArray scores = scores();
        INDArray weights = scores.dup();
        CausalSoftmaxKernel.forward(weights, SCALE);
        INDArray s = scores.castTo(DataType.DOUBLE).reshape(-1, 90);
        INDArray w = weights.reshape(-1, 90);
        for (int r = 0; r < s.rows(); r += 37) {
            int last = r % 90;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j <= last; j++) {
                max = Math.max(max, SCALE * s.getDouble(r, j));
            }
            double sum = 0;
            for (int j = 0; j <= last; j++) {
                sum += Math.exp(SCALE * s.getDouble(r, j) - max);
            }
            for (int j = 0; j < 90; j++) {
                double expected = j <= last ? Math.exp(SCALE * s.getDouble(r, j) - max) / sum : 0;
                assertEquals(expected, w.getDouble(r, j), 1e-6 * Math.max(1, expected), "row " + r + ", column " + j);
            }
        }
    }

    @Test
    void restoreRebuildsTheForwardWeightsBitForBit() {
        INDArray scores = scores();
        INDArray weights = scores.dup();
        SoftmaxRows rows = CausalSoftmaxKernel.forward(weights, SCALE);
        INDArray restored = scores.dup();
        CausalSoftmaxKernel.restore(restored, SCALE, rows);
        assertArrayEquals(weights.data().asFloat(), restored.data().asFloat(), 0f);
    }

    @Test
    void restoreRefusesStatisticsOfOtherScores() {
        SoftmaxRows rows = CausalSoftmaxKernel.forward(Nd4j.rand(DataType.FLOAT, 2, 8, 8), SCALE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CausalSoftmaxKernel.restore(Nd4j.rand(DataType.FLOAT, 3, 8, 8), SCALE, rows));
        assertEquals("softmax statistics for 16 rows, scores have 24", e.getMessage());
    }

    private static INDArray scores() {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.randn(DataType.FLOAT, SHAPE).muli(6);
    }
}
