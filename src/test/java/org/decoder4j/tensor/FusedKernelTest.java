package org.decoder4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 kernels that run in one Java pass against the float64 composition of native ND4J
 * calls (itself gradient-checked in {@link OpGradientTest}): outputs and every input gradient.
 */
class FusedKernelTest {

    private static final double TOLERANCE = 2e-6;

    @Test
    void layerNormMatchesTheComposedForm() {
        double error = worstRelativeError(in -> LayerNormOp.apply(in[0], in[1], in[2], 1e-5),
                new long[] {3, 50, 48}, new long[] {48}, new long[] {48});     // 150 rows: split across cores
        assertTrue(error < TOLERANCE, "layer norm float32 vs float64: " + error);
    }

    @Test
    void tanhGeluMatchesTheComposedForm() {
        long[] shape = {4, 70, 300};                                            // 21 blocks: split
        double error = worstRelativeError(in -> GeluOp.tanh(in[0]), shape);
        // a non-dense view takes the native float32 composition: the rounding float32 itself allows
        double composed = worstRelativeError(in -> GeluOp.tanh(in[0].permute(0, 2, 1)), shape);
        assertTrue(error < 1e-5 && error < 2 * composed,
                "tanh GELU float32 vs float64: " + error + ", native float32 composition: " + composed);
    }

    @Test
    void causalAttentionMatchesTheComposedForm() {
        long[] shape = {2, 4, 70, 8};                                           // 560 rows: split
        double error = worstRelativeError(in -> CausalAttentionOp.apply(in[0], in[1], in[2], 0, null),
                shape, shape, shape);
        assertTrue(error < TOLERANCE, "causal attention float32 vs float64: " + error);
    }

    @Test
    void causalAttentionOnHeadsSideBySideMatchesTheComposedForm() {
        long[] shape = {2, 70, 24};                                             // 3 heads of 8: 420 rows, split
        double error = worstRelativeError(in -> CausalAttentionOp.applyPacked(in[0], in[1], in[2], 3, 0, null),
                shape, shape, shape);
        assertTrue(error < TOLERANCE, "causal attention on heads side by side, float32 vs float64: " + error);
    }

    @Test
    void causalAttentionOnHeadsSideBySideIsAttentionOnSplitHeads() {
        Nd4j.getRandom().setSeed(3);
        Tensor[] packed = new Tensor[3];
        Tensor[] split = new Tensor[3];
        for (int i = 0; i < 3; i++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 2, 40, 24);
            packed[i] = Tensor.parameter(x.dup());
            split[i] = Tensor.parameter(x.dup());
        }
        Tensor y = CausalAttentionOp.applyPacked(packed[0], packed[1], packed[2], 3, 0, null);
        Tensor heads = CausalAttentionOp.apply(splitHeads(split[0]), splitHeads(split[1]), splitHeads(split[2]), 0, null);
        Tensor merged = heads.permute(0, 2, 1, 3).reshape(2, 40, 24);
        INDArray weighting = Nd4j.randn(DataType.FLOAT, 2, 40, 24);
        y.backward(weighting);
        merged.backward(weighting);
        assertEquals(0, y.value().sub(merged.value()).amaxNumber().doubleValue(), 1e-6);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, packed[i].grad().sub(split[i].grad()).amaxNumber().doubleValue(), 1e-6, "input " + i);
        }
    }

    private static Tensor splitHeads(Tensor x) {
        return x.reshape(2, 40, 3, 8).permute(0, 2, 1, 3);                      // (B, T, C) -> (B, H, T, D)
    }

    @Test
    void crossEntropyMatchesTheComposedForm() {
        long[] targets = new long[300];                                         // 300 rows: split
        for (int i = 0; i < targets.length; i++) {
            targets[i] = i % 7 == 3 ? -100 : (i * 31L) % 65;                    // some ignored
        }
        INDArray ids = Nd4j.createFromArray(targets);
        double error = worstRelativeError(in -> CrossEntropyOp.apply(in[0], ids, -100), new long[] {300, 65});
        assertTrue(error < TOLERANCE, "cross-entropy float32 vs float64: " + error);
    }

    @Test
    void embeddingMatchesTheNativeGatherAndScatter() {
        INDArray ids = Nd4j.createFromArray(new long[][] {{3, 0, 3, 9}, {9, 9, 1, 3}});  // repeated ids add up
        double error = worstRelativeError(in -> EmbeddingOp.apply(in[0], ids), new long[] {10, 6});
        assertTrue(error < TOLERANCE, "embedding float32 vs float64: " + error);
    }

    @Test
    void linearWithBiasMatchesTheComposedForm() {
        double error = worstRelativeError(in -> LinearOp.apply(in[0], in[1], in[2]),
                new long[] {3, 40, 24}, new long[] {36, 24}, new long[] {36});
        assertTrue(error < TOLERANCE, "linear float32 vs float64: " + error);
    }

    /**
     * Runs the function on float32 and float64 copies of the same random inputs, backpropagates the
     * same random weighting of the output, and returns the largest error of output and gradients,
     * each relative to the largest magnitude of its float64 counterpart.
     */
    static double worstRelativeError(Function<Tensor[], Tensor> function, long[]... shapes) {
        Nd4j.getRandom().setSeed(11);
        INDArray[] values = new INDArray[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            values[i] = Nd4j.randn(DataType.DOUBLE, shapes[i]).muli(1.5).addi(0.25);
        }
        Tensor[] singles = new Tensor[shapes.length];
        Tensor[] doubles = new Tensor[shapes.length];
        for (int i = 0; i < shapes.length; i++) {
            singles[i] = Tensor.parameter(values[i].castTo(DataType.FLOAT));
            doubles[i] = Tensor.parameter(values[i].dup());
        }
        Tensor single = function.apply(singles);
        Tensor reference = function.apply(doubles);
        assertEquals(DataType.FLOAT, single.value().dataType());
        INDArray weights = Nd4j.rand(DataType.DOUBLE, reference.shape()).subi(0.5);
        single.mul(Tensor.constant(weights.castTo(DataType.FLOAT))).sum().backward();
        reference.mul(Tensor.constant(weights)).sum().backward();
        double worst = relative(single.value(), reference.value());
        for (int i = 0; i < shapes.length; i++) {
            worst = Math.max(worst, relative(singles[i].grad(), doubles[i].grad()));
        }
        return worst;
    }

    private static double relative(INDArray actual, INDArray expected) {
        double scale = Math.max(expected.amaxNumber().doubleValue(), 1e-12);
        return actual.castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue() / scale;
    }
}
