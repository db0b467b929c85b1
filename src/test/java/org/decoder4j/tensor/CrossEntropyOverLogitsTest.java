package org.decoder4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.cpu.OneDnn;
import org.decoder4j.tensor.cpu.OneDnnCast;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Loss#crossEntropyOverwritingLogits}: the same loss and gradients as
 * {@link Loss#crossEntropy(Tensor, INDArray)}, with the logits' gradient written over the logits
 * made in the step, and never over a parameter.
 */
class CrossEntropyOverLogitsTest {

    private static final int BATCH = 3;
    private static final int CONTEXT = 16;

    @Test
    void aModelsLossAndGradientsAreTheSameBitForBit() {
        GPT model = GPT.builder().vocabSize(65).contextLength(CONTEXT).layers(2).heads(4).embeddingSize(32)
                .seed(3).build();
        INDArray ids = tokens(1);
        INDArray targets = tokens(2);
        targets.putScalar(5, Loss.IGNORE_INDEX);                                // an ignored position too
        List<Tensor> parameters = model.parameters();
        double[] loss = new double[2];
        INDArray[][] grads = new INDArray[2][parameters.size()];
        for (int run = 0; run < 2; run++) {
            model.zeroGrad();
            try (MemoryScope step = MemoryScope.open()) {
                Tensor l = run == 0 ? Loss.crossEntropy(model.forward(ids), targets)
                        : Loss.crossEntropyOverwritingLogits(model.forward(ids), targets);
                l.backward();
                loss[run] = l.item();
            }
            for (int i = 0; i < parameters.size(); i++) {
                grads[run][i] = parameters.get(i).grad().dup();
            }
        }
        assertEquals(loss[0], loss[1], 0.0);
        for (int i = 0; i < parameters.size(); i++) {
            assertEquals(grads[0][i], grads[1][i], "gradient of parameter " + i);
        }
    }

    @Test
    void theLogitsMadeInTheStepHoldTheirGradientAfterwards() {
        Tensor w = Tensor.parameter(Nd4j.randn(DataType.FLOAT, 8, 5));
        Tensor x = Tensor.constant(Nd4j.randn(DataType.FLOAT, 6, 8));
        INDArray targets = Nd4j.createFromArray(0L, 1L, 2L, 3L, 4L, 0L);
        INDArray expected;
        try (MemoryScope step = MemoryScope.open()) {
            Tensor logits = x.matmul(w);                                         // (6, 5)
            Tensor reference = Tensor.parameter(logits.value().dup());
            Loss.crossEntropy(reference, targets).backward();
            expected = reference.grad().dup();
            Loss.crossEntropyOverwritingLogits(logits, targets).backward();
            assertEquals(expected, logits.value(), "the logits' memory holds dL/d logits");
        }
    }

    @Test
    void aParameterPassedAsLogitsIsNotOverwritten() {
        INDArray values = Nd4j.randn(DataType.FLOAT, 6, 5);
        Tensor logits = Tensor.parameter(values.dup());
        INDArray targets = Nd4j.createFromArray(0L, 1L, 2L, 3L, 4L, 0L);
        try (MemoryScope step = MemoryScope.open()) {
            Loss.crossEntropyOverwritingLogits(logits, targets).backward();
        }
        assertEquals(values, logits.value());
        assertNotEquals(0.0, logits.grad().amaxNumber().doubleValue());
    }

    @Test
    void bfloat16LogitsGiveTheLossOfTheirValuesAndTheirGradientRounded() {
        assumeTrue(OneDnn.isAvailable(), "oneDNN's conversion is the reference");
        INDArray wide = Nd4j.randn(DataType.FLOAT, 300, 97).muli(3);             // 300 rows: split across cores
        INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, 300, 97);
        OneDnnCast.toBfloat16(wide, low);
        OneDnnCast.toFloat(low, wide);                                           // float32 of the same values
        long[] ids = new long[300];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % 7 == 3 ? Loss.IGNORE_INDEX : (i * 37L) % 97;
        }
        INDArray targets = Nd4j.createFromArray(ids);
        Tensor reference = Tensor.parameter(wide);
        Tensor referenceLoss = Loss.crossEntropy(reference, targets);
        referenceLoss.scale(0.75).backward();
        INDArray expected = Nd4j.createUninitialized(DataType.BFLOAT16, 300, 97);
        OneDnnCast.toBfloat16(reference.grad(), expected);                       // the float32 gradient, rounded

        Tensor kept = Tensor.parameter(low.dup());
        Tensor loss = Loss.crossEntropy(kept, targets);
        assertEquals(DataType.FLOAT, loss.value().dataType(), "the loss is float32");
        assertEquals(referenceLoss.item(), loss.item(), 0.0, "loss");
        loss.scale(0.75).backward();
        assertEquals(DataType.BFLOAT16, kept.grad().dataType());
        assertEquals(expected, kept.grad(), "gradient");
        try (MemoryScope step = MemoryScope.open()) {
            Tensor logits = Tensor.parameter(low.dup()).scale(1.0);              // (300, 97) bfloat16, made in the step
            assertEquals(DataType.BFLOAT16, logits.dataType());
            Loss.crossEntropyOverwritingLogits(logits, targets).scale(0.75).backward();
            assertEquals(expected, logits.value(), "the logits' memory holds dL/d logits in bfloat16");
        }
    }

    private static INDArray tokens(int salt) {
        long[] t = new long[BATCH * CONTEXT];
        for (int i = 0; i < t.length; i++) {
            t[i] = (i * 29L + salt * 13L) % 65;
        }
        return Nd4j.createFromArray(t).reshape(BATCH, CONTEXT);
    }
}
