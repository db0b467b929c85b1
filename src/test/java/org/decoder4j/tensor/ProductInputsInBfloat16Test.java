package org.decoder4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.function.Function;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link OutputReaders#PRODUCTS_ONLY}: under bfloat16 autocast on native kernels an op keeps such an
 * output in bfloat16, holding exactly the values the products would have rounded the float32
 * output to, so every result and gradient is the same to the last bit; outside autocast nothing
 * changes.
 */
class ProductInputsInBfloat16Test {

    private static final long ROWS = 96;
    private static final long C = 64;

    @BeforeEach
    void nativeKernels() {
        assumeTrue(Autocast.hasNativeKernels(DataType.BFLOAT16), "no native bfloat16 products on this processor");
    }

    @Test
    void eachOpKeepsTheBfloat16OfItsFloat32Output() {
        Tensor x = Tensor.parameter(Nd4j.randn(DataType.FLOAT, 2, ROWS / 2, C));
        Tensor gain = Tensor.parameter(Nd4j.rand(DataType.FLOAT, C).addi(0.5));
        Tensor bias = Tensor.parameter(Nd4j.randn(DataType.FLOAT, C));
        Tensor w = Tensor.parameter(Nd4j.randn(DataType.FLOAT, C, C).muli(0.1));
        Tensor b = Tensor.parameter(Nd4j.randn(DataType.FLOAT, C).muli(0.1));
        assertKeptInBfloat16("layer norm", r -> LayerNormOp.apply(x, gain, bias, 1e-5, r));
        assertKeptInBfloat16("linear", r -> LinearOp.apply(x, w, b, r));
        assertKeptInBfloat16("tanh GELU", r -> GeluOp.tanh(x, r));
        assertKeptInBfloat16("exact GELU", r -> GeluOp.exact(x, r));
        assertKeptInBfloat16("attention", r -> CausalAttentionOp.applyPacked(x, x.scale(0.5), x.scale(-1), 4, 0, null, r));
    }

    private static void assertKeptInBfloat16(String op, Function<OutputReaders, Tensor> apply) {
        INDArray outside = apply.apply(OutputReaders.PRODUCTS_ONLY).value();
        assertEquals(DataType.FLOAT, outside.dataType(), op + " outside autocast");
        assertEquals(apply.apply(OutputReaders.ANY_OP).value(), outside, op + " outside autocast");
        try (Autocast scope = Autocast.open(DataType.BFLOAT16, List.of())) {
            INDArray any = apply.apply(OutputReaders.ANY_OP).value();
            INDArray kept = apply.apply(OutputReaders.PRODUCTS_ONLY).value();
            assertEquals(DataType.FLOAT, any.dataType(), op);
            assertEquals(DataType.BFLOAT16, kept.dataType(), op);
            assertEquals(any.castTo(DataType.BFLOAT16), kept, op + ": not the bfloat16 of the float32 output");
        }
    }

    @ParameterizedTest(name = "attention dropout {0}")
    @ValueSource(doubles = {0.0, 0.1})
    void anAttentionLayerGivesTheSameLossAndGradientsBitForBit(double dropout) {
        Tensor x = Tensor.parameter(Nd4j.randn(DataType.FLOAT, 2, ROWS / 2, C));
        Tensor gain = Tensor.parameter(Nd4j.rand(DataType.FLOAT, C).addi(0.5));
        Tensor bias = Tensor.parameter(Nd4j.randn(DataType.FLOAT, C).muli(0.1));
        Tensor[] weights = new Tensor[4];
        Tensor[] biases = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            weights[i] = Tensor.parameter(Nd4j.randn(DataType.FLOAT, C, C).muli(0.1));
            biases[i] = Tensor.parameter(Nd4j.randn(DataType.FLOAT, C).muli(0.1));
        }
        List<Tensor> parameters = List.of(x, gain, bias, weights[0], weights[1], weights[2], weights[3],
                biases[0], biases[1], biases[2], biases[3]);
        double[] loss = new double[2];
        INDArray[][] grads = new INDArray[2][parameters.size()];
        for (int run = 0; run < 2; run++) {
            OutputReaders r = run == 0 ? OutputReaders.ANY_OP : OutputReaders.PRODUCTS_ONLY;
            parameters.forEach(Tensor::zeroGrad);
            try (Autocast scope = Autocast.open(DataType.BFLOAT16, parameters)) {
                Tensor h = LayerNormOp.apply(x, gain, bias, 1e-5, r);            // (2, 48, 64)
                Tensor q = LinearOp.apply(h, weights[0], biases[0], r);
                Tensor k = LinearOp.apply(h, weights[1], biases[1], r);
                Tensor v = LinearOp.apply(h, weights[2], biases[2], r);
                Random rng = Nd4j.getRandomFactory().getNewRandomInstance(42);
                Tensor y = CausalAttentionOp.applyPacked(q, k, v, 4, dropout, rng, r);  // 4 heads of 16
                Tensor out = LinearOp.apply(GeluOp.tanh(LinearOp.apply(y, weights[3], biases[3]), r), weights[3], null);
                Tensor l = out.mul(out).mean();
                l.backward();
                loss[run] = l.item();
            }
            for (int i = 0; i < parameters.size(); i++) {
                grads[run][i] = parameters.get(i).grad().dup();
            }
        }
        assertEquals(loss[0], loss[1], 0.0, "loss");
        for (int i = 0; i < parameters.size(); i++) {
            assertEquals(grads[0][i], grads[1][i], "gradient of parameter " + i);
        }
    }

    @Test
    void logitsOnlyTheLossReadsGiveTheSameStepBitForBitInHalfTheMemory() throws InterruptedException {
        double[] loss = new double[2];
        long[] kept = new long[2];
        INDArray[][] grads = new INDArray[2][];
        Thread thread = new Thread(() -> {
            GPT model = GPT.builder().vocabSize(65).contextLength(32).layers(2).heads(4).embeddingSize(64)
                    .dropout(0).seed(5).build();
            INDArray ids = Nd4j.createFromArray(tokens(4 * 32, 31)).reshape(4, 32);
            INDArray targets = Nd4j.createFromArray(tokens(4 * 32, 17)).reshape(4, 32);
            List<Tensor> parameters = model.parameters();
            for (int run = 0; run < 2; run++) {
                OutputReaders readers = run == 0 ? OutputReaders.ANY_OP : OutputReaders.CROSS_ENTROPY_ONLY;
                model.zeroGrad();
                try (Autocast scope = Autocast.open(DataType.BFLOAT16, parameters);
                     MemoryScope memory = MemoryScope.open()) {
                    MemoryWorkspace workspace = Nd4j.getWorkspaceManager()
                            .getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
                    Tensor logits = model.forward(ids, readers);
                    assertEquals(run == 0 ? DataType.FLOAT : DataType.BFLOAT16, logits.dataType(), readers.name());
                    Tensor l = Loss.crossEntropyOverwritingLogits(logits, targets);
                    l.backward();
                    loss[run] = l.item();
                    kept[run] = workspace.getThisCycleAllocations();
                }
                grads[run] = parameters.stream().map(p -> p.grad().dup()).toArray(INDArray[]::new);
            }
        });
        thread.start();
        thread.join();
        assertEquals(loss[0], loss[1], 0.0, "loss");
        for (int i = 0; i < grads[0].length; i++) {
            assertEquals(grads[0][i], grads[1][i], "gradient of parameter " + i);
        }
        assertEquals(kept[0] - 4 * 32 * 65 * 2, kept[1], "the logits (128 × 65) kept in 2 bytes instead of 4");
    }

    private static long[] tokens(int n, long stride) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = (i * stride) % 65;
        }
        return t;
    }

    @Test
    void aBfloat16StepKeepsLessThanAFloat32One() throws InterruptedException {
        long[] kept = new long[2];
        Thread thread = new Thread(() -> {
            GPT model = GPT.builder().vocabSize(65).contextLength(32).layers(2).heads(4).embeddingSize(64)
                    .dropout(0).seed(7).build();
            long[] tokens = new long[4 * 32];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = (i * 31L) % 65;
            }
            INDArray ids = Nd4j.createFromArray(tokens).reshape(4, 32);
            for (int step = 0; step < 4; step++) {                               // fp32, bf16, fp32, bf16
                Autocast scope = step % 2 == 1 ? Autocast.open(DataType.BFLOAT16, model.parameters()) : null;
                try (MemoryScope memory = MemoryScope.open()) {
                    MemoryWorkspace workspace = Nd4j.getWorkspaceManager()
                            .getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
                    Loss.crossEntropy(model.forward(ids), ids).backward();
                    kept[step % 2] = workspace.getThisCycleAllocations();
                } finally {
                    if (scope != null) {
                        scope.close();
                    }
                }
            }
        });
        thread.start();
        thread.join();
        // per layer, in bfloat16 instead of float32: the two layer norms' outputs, q, k, v and the
        // attention output (128 × 64 each) and the GELU output (128 × 256)
        long halved = 2 * (6 * 128 * 64 + 128 * 256) * 2;
        assertEquals(kept[0] - halved, kept[1], "float32 step kept " + kept[0] + " bytes");
    }
}
