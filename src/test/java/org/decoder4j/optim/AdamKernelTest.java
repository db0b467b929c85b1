package org.decoder4j.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float32 parameters take {@link org.decoder4j.tensor.OptimizerKernels#adam}'s single pass; float64 ones the native composition
 * that {@link OptimizerParityTest} holds to PyTorch. Ten steps of each variant must agree.
 */
class AdamKernelTest {

    @Test
    void adamWAndCoupledDecayMatchTheFloat64Update() {
        for (OptimizerSettings settings : List.of(AdamW.lr(0.01).betas(0.9, 0.99).weightDecay(0.1),
                Adam.lr(0.01).weightDecay(0.05), Adam.lr(0.003))) {
            double error = worstRelativeError(settings);
            assertTrue(error < 1e-5, settings + ": float32 vs float64 parameters differ by " + error);
        }
    }

    private static double worstRelativeError(OptimizerSettings settings) {
        Nd4j.getRandom().setSeed(21);
        // small weights, as in a model, so that float32 rounding of the parameters stays far below
        // the distance the updates move them; ten of the kernel's blocks, split across cores
        INDArray start = Nd4j.randn(DataType.DOUBLE, 40_000).muli(0.02).castTo(DataType.FLOAT).castTo(DataType.DOUBLE);
        Tensor single = Tensor.parameter(start.castTo(DataType.FLOAT));
        Tensor reference = Tensor.parameter(start.dup());
        Optimizer singleOpt = settings.create(List.of(single));
        Optimizer referenceOpt = settings.create(List.of(reference));
        for (int step = 0; step < 10; step++) {
            INDArray grad = Nd4j.randn(DataType.DOUBLE, 40_000).muli(step + 1);
            singleOpt.zeroGrad();
            referenceOpt.zeroGrad();
            single.mul(Tensor.constant(grad.castTo(DataType.FLOAT))).sum().backward();
            reference.mul(Tensor.constant(grad)).sum().backward();
            singleOpt.step();
            referenceOpt.step();
        }
        INDArray moved = reference.value().sub(start);
        return single.value().castTo(DataType.DOUBLE).sub(reference.value()).amaxNumber().doubleValue()
                / moved.amaxNumber().doubleValue();
    }
}
