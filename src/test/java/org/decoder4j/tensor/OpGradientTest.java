package org.decoder4j.tensor;

import static org.decoder4j.tensor.GradientCheck.assertGradients;
import static org.decoder4j.tensor.GradientCheck.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Finite-difference gradient checks, in float64, of every autograd operation. */
class OpGradientTest {

    @Test
    void matmulAllTransposeCombinations() {
        assertGradients(t -> t[0].matmul(t[1]), randn(1, 3, 4), randn(2, 4, 5));
        assertGradients(t -> t[0].matmul(t[1], false, true), randn(1, 3, 4), randn(2, 5, 4));
        assertGradients(t -> t[0].matmul(t[1], true, false), randn(1, 4, 3), randn(2, 4, 5));
        assertGradients(t -> t[0].matmul(t[1], true, true), randn(1, 4, 3), randn(2, 5, 4));
    }

    @Test
    void batchedMatmul() {
        assertGradients(t -> t[0].matmul(t[1]), randn(1, 2, 3, 4, 5), randn(2, 2, 3, 5, 2));
        assertGradients(t -> t[0].matmul(t[1], false, true), randn(3, 2, 3, 4), randn(4, 2, 5, 4));
    }

    @Test
    void broadcastingArithmetic() {
        assertGradients(t -> t[0].add(t[1]), randn(1, 3, 4), randn(2, 4));
        assertGradients(t -> t[0].sub(t[1]), randn(1, 2, 3, 4), randn(2, 3, 1));
        assertGradients(t -> t[0].mul(t[1]), randn(1, 2, 3, 4), randn(2, 1, 4));
        assertGradients(t -> t[0].scale(-2.5).addScalar(1.0), randn(1, 3, 4));
    }

    @Test
    void elementwiseAndReductions() {
        assertGradients(t -> t[0].exp(), randn(1, 3, 4));
        assertGradients(t -> t[0].mul(t[0]).addScalar(0.5).log(), randn(1, 3, 4));
        assertGradients(t -> t[0].sum(true, 1), randn(1, 3, 4, 2));
        assertGradients(t -> t[0].sum(false, 0, 2), randn(1, 3, 4, 2));
        assertGradients(t -> t[0].mean(), randn(1, 3, 4));
    }

    @Test
    void shapeOps() {
        assertGradients(t -> t[0].reshape(6, 2).matmul(t[1]), randn(1, 3, 4), randn(2, 2, 3));
        assertGradients(t -> t[0].permute(2, 0, 1).mul(t[1]), randn(1, 2, 3, 4), randn(2, 4, 2, 3));
        assertGradients(t -> t[0].transpose(0, 1).matmul(t[1]), randn(1, 3, 4), randn(2, 3, 2));
        assertGradients(t -> {
            Tensor[] parts = t[0].split(1, 2, 3, 1);
            return Tensor.concat(1, parts[2], parts[0].scale(3.0), parts[1].exp());
        }, randn(1, 3, 6));
        assertGradients(t -> Tensor.concat(0, t[0], t[1]), randn(1, 2, 3), randn(2, 4, 3));
    }

    @Test
    void linear() {
        assertGradients(t -> LinearOp.apply(t[0], t[1], t[2]), randn(1, 2, 3, 4), randn(2, 5, 4), randn(3, 5));
        assertGradients(t -> LinearOp.apply(t[0], t[1], null), randn(1, 3, 4), randn(2, 5, 4));
    }

    @Test
    void layerNorm() {
        assertGradients(t -> LayerNormOp.apply(t[0], t[1], t[2], 1e-5),
                randn(1, 2, 3, 8), randn(2, 8).addi(1.0), randn(3, 8));
    }

    @Test
    void layerNormMatchesDefinition() {
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 2, 3, 6}});
        Tensor y = LayerNormOp.apply(Tensor.constant(x), Tensor.constant(Nd4j.ones(DataType.DOUBLE, 4)),
                Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 4)), 1e-5);
        // mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
        double rstd = 1 / Math.sqrt(3.5 + 1e-5);
        assertEquals(-2 * rstd, y.value().getDouble(0, 0), 1e-12);
        assertEquals(3 * rstd, y.value().getDouble(0, 3), 1e-12);
        // a constant row stays finite thanks to epsilon
        Tensor flat = LayerNormOp.apply(Tensor.constant(Nd4j.ones(DataType.DOUBLE, 1, 4)),
                Tensor.constant(Nd4j.ones(DataType.DOUBLE, 4)), Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 4)), 1e-5);
        assertEquals(0.0, flat.value().getDouble(0, 0), 0.0);
    }

    @Test
    void gelu() {
        assertGradients(t -> GeluOp.tanh(t[0]), randn(1, 3, 5).muli(2));
        assertGradients(t -> GeluOp.exact(t[0]), randn(2, 3, 5).muli(2));
    }

    @Test
    void geluValuesMatchPyTorch() {
        // torch.nn.functional.gelu(x, approximate="tanh") and gelu(x) in float64 at x = -1.5, 0.5, 2.0 (torch 1.13.1)
        INDArray x = Nd4j.createFromArray(-1.5, 0.5, 2.0);
        INDArray tanh = GeluOp.tanh(Tensor.constant(x)).value();
        INDArray exact = GeluOp.exact(Tensor.constant(x)).value();
        assertEquals(-0.10042842301976707, tanh.getDouble(0), 1e-12);
        assertEquals(0.34571400982514394, tanh.getDouble(1), 1e-12);
        assertEquals(1.954597694087775, tanh.getDouble(2), 1e-12);
        assertEquals(-0.10021080190328704, exact.getDouble(0), 1e-12);
        assertEquals(0.34573123063700656, exact.getDouble(1), 1e-12);
        assertEquals(1.9544997361036416, exact.getDouble(2), 1e-12);
    }

    @Test
    void causalAttention() {
        assertGradients(t -> CausalAttentionOp.apply(t[0], t[1], t[2], 0.0, null),
                randn(1, 2, 2, 5, 3), randn(2, 2, 2, 5, 3), randn(3, 2, 2, 5, 3));
    }

    @Test
    void causalAttentionOnHeadsSideBySide() {
        assertGradients(t -> CausalAttentionOp.applyPacked(t[0], t[1], t[2], 2, 0.0, null),
                randn(1, 2, 5, 6), randn(2, 2, 5, 6), randn(3, 2, 5, 6));
    }

    @Test
    void causalAttentionIgnoresTheFuture() {
        INDArray q = randn(1, 1, 1, 4, 2);
        INDArray k = randn(2, 1, 1, 4, 2);
        INDArray v = randn(3, 1, 1, 4, 2);
        INDArray before = CausalAttentionOp.apply(Tensor.constant(q), Tensor.constant(k), Tensor.constant(v), 0, null).value();
        INDArray k2 = k.dup();
        INDArray v2 = v.dup();
        k2.putScalar(new long[] {0, 0, 3, 0}, 100.0);
        v2.putScalar(new long[] {0, 0, 3, 1}, -100.0);
        INDArray after = CausalAttentionOp.apply(Tensor.constant(q), Tensor.constant(k2), Tensor.constant(v2), 0, null).value();
        // positions 0..2 cannot see position 3
        for (int t = 0; t < 3; t++) {
            assertEquals(before.getDouble(0, 0, t, 0), after.getDouble(0, 0, t, 0), 1e-12);
            assertEquals(before.getDouble(0, 0, t, 1), after.getDouble(0, 0, t, 1), 1e-12);
        }
        // position 0 sees only itself: its output is v[0]
        assertEquals(v.getDouble(0, 0, 0, 1), before.getDouble(0, 0, 0, 1), 1e-12);
    }

    @Test
    void crossEntropyWithIgnoreIndex() {
        INDArray targets = Nd4j.createFromArray(2L, -100L, 0L, 4L);
        assertGradients(t -> CrossEntropyOp.apply(t[0], targets, -100), randn(1, 4, 5));
    }

    @Test
    void crossEntropyValue() {
        // logits [[1, 2, 3]], target 2: loss = log(e + e² + e³) − 3
        INDArray logits = Nd4j.createFromArray(new double[][] {{1, 2, 3}, {0, 0, 0}});
        double expected = (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3 + Math.log(3)) / 2;
        Tensor loss = CrossEntropyOp.apply(Tensor.constant(logits), Nd4j.createFromArray(2L, 1L), -100);
        assertEquals(expected, loss.item(), 1e-12);
        Tensor ignoredAll = CrossEntropyOp.apply(Tensor.constant(logits), Nd4j.createFromArray(-100L, -100L), -100);
        assertEquals(Double.NaN, ignoredAll.item());
        assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyOp.apply(Tensor.constant(logits), Nd4j.createFromArray(3L, 0L), -100));
    }

    @Test
    void embeddingWithRepeatedIds() {
        INDArray ids = Nd4j.createFromArray(new long[][] {{1, 3, 1}, {0, 1, 2}});
        assertGradients(t -> EmbeddingOp.apply(t[0], ids), randn(1, 4, 3));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddingOp.apply(Tensor.constant(randn(1, 4, 3)), Nd4j.createFromArray(4L)));
    }

    @Test
    void dropoutScalesSurvivorsAndIsSeeded() {
        Random a = Nd4j.getRandomFactory().getNewRandomInstance(11);
        Random b = Nd4j.getRandomFactory().getNewRandomInstance(11);
        INDArray x = Nd4j.ones(DataType.DOUBLE, 100, 100);
        INDArray ya = DropoutOp.apply(Tensor.constant(x), 0.25, a).value();
        INDArray yb = DropoutOp.apply(Tensor.constant(x), 0.25, b).value();
        assertEquals(ya, yb);
        long zeros = ya.eq(0.0).castTo(DataType.INT32).sumNumber().longValue();
        assertEquals(2500, zeros, 200);
        assertEquals(1.0 / 0.75, ya.maxNumber().doubleValue(), 1e-12);
        // gradient is the same mask
        Random c = Nd4j.getRandomFactory().getNewRandomInstance(11);
        Tensor p = Tensor.parameter(x.dup());
        DropoutOp.apply(p, 0.25, c).sum().backward();
        assertEquals(ya, p.grad());
    }

    @Test
    void gradientsAccumulateUntilZeroed() {
        Tensor w = Tensor.parameter(Nd4j.createFromArray(2.0, 3.0));
        w.mul(w).sum().backward();
        w.mul(w).sum().backward();
        assertEquals(Nd4j.createFromArray(8.0, 12.0), w.grad());
        w.zeroGrad();
        assertEquals(Nd4j.createFromArray(0.0, 0.0), w.grad());
    }

    @Test
    void noGradRecordsNothing() {
        Tensor w = Tensor.parameter(Nd4j.createFromArray(2.0, 3.0));
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor y = w.mul(w).sum();
            assertEquals(false, y.requiresGrad());
            assertThrows(IllegalStateException.class, y::backward);
        }
    }

    @Test
    void memoryScopeOwnsIntermediatesButNotParameters() {
        Tensor w = Tensor.parameter(Nd4j.createFromArray(2.0, 3.0));
        for (int step = 0; step < 3; step++) {
            w.zeroGrad();
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor y = w.mul(w).sum();
                y.backward();
                assertEquals(true, y.value().isAttached(), "an intermediate lives in the scope's workspace");
                assertEquals(13.0, y.item(), 0.0); // 2² + 3²
            }
            assertEquals(false, w.value().isAttached());
            assertEquals(false, w.grad().isAttached());
            assertEquals(Nd4j.createFromArray(4.0, 6.0), w.grad());
        }
        assertEquals(false, MemoryScope.isActive());
    }
}
