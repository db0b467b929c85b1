package org.decoder4j.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a training step's memory goes: the forward pass keeps what the backward pass needs and
 * nothing more, and the backward pass frees its temporaries as it goes instead of holding them
 * in the step's workspace until the step ends.
 */
class MemoryDisciplineTest {

    private static final int BATCH = 4;
    private static final int CONTEXT = 32;

    @Test
    void backwardAllocatesNothingInTheStepScopeAndLittleInItsScratch() throws Throwable {
        onAFreshThread(MemoryDisciplineTest::threeSteps);
    }

    /** Workspaces belong to a thread and remember their largest cycle: a fresh thread sees only this test's. */
    private static void onAFreshThread(Runnable body) throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw failure[0];
        }
    }

    private static void threeSteps() {
        GPT model = GPT.builder().vocabSize(65).contextLength(CONTEXT).layers(6).heads(4).embeddingSize(64)
                .seed(7).build();
        INDArray ids = Nd4j.createFromArray(tokens(1)).reshape(BATCH, CONTEXT);
        INDArray targets = Nd4j.createFromArray(tokens(2)).reshape(BATCH, CONTEXT);
        for (int step = 0; step < 3; step++) {                                  // the first learns the sizes
            try (MemoryScope scope = MemoryScope.open()) {
                MemoryWorkspace workspace = Nd4j.getWorkspaceManager()
                        .getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
                Tensor loss = Loss.crossEntropy(model.forward(ids), targets);
                INDArray seed = Nd4j.ones(DataType.FLOAT);
                long forward = workspace.getThisCycleAllocations();
                loss.backward(seed);
                assertEquals(forward, workspace.getThisCycleAllocations(),
                        "step " + step + ": the backward pass allocated in the step's workspace");

                MemoryWorkspace scratch = Nd4j.getWorkspaceManager()
                        .getWorkspaceForCurrentThread(GradientScratch.WORKSPACE_ID);
                // the largest gradient is a [B·T, 4C] float32 array; a reset is due at
                // BUDGET_IN_GRADIENTS of them, and one operation adds at most a few more
                long largestGradient = (long) BATCH * CONTEXT * 4 * 64 * Float.BYTES;
                long bound = (GradientScratch.BUDGET_IN_GRADIENTS + 4) * largestGradient;
                assertTrue(scratch.getMaxCycleAllocations() <= bound, "step " + step + ": the scratch held "
                        + scratch.getMaxCycleAllocations() + " bytes between resets, more than " + bound);
                assertTrue(bound < forward / 2, "the bound " + bound + " should be well under the forward pass's "
                        + forward + " bytes for this test to mean something");
            }
        }
    }

    @Test
    void aLargeVocabularysGradientsSetTheScratchBudgetOnlyWhileTheyAreNear() throws Throwable {
        int vocab = 8192;
        int channels = 64;
        onAFreshThread(() -> {
            GPT model = GPT.builder().vocabSize(vocab).contextLength(CONTEXT).layers(12).heads(4)
                    .embeddingSize(channels).seed(7).build();
            INDArray ids = Nd4j.createFromArray(tokens(1)).reshape(BATCH, CONTEXT);
            INDArray targets = Nd4j.createFromArray(tokens(2)).reshape(BATCH, CONTEXT);
            for (int step = 0; step < 2; step++) {
                try (MemoryScope scope = MemoryScope.open()) {
                    Loss.crossEntropy(model.forward(ids), targets).backward(Nd4j.ones(DataType.FLOAT));
                }
            }
            long rows = (long) BATCH * CONTEXT;
            // the head's own gradients: dL/d logits [B·T, V] and dL/d its weight [V, C]; then a block's budget
            long head = (rows * vocab + (long) vocab * channels) * Float.BYTES;
            long block = rows * 4 * channels * Float.BYTES;
            long bound = head + (GradientScratch.BUDGET_IN_GRADIENTS + 4) * block;
            long held = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(GradientScratch.WORKSPACE_ID)
                    .getMaxCycleAllocations();
            assertTrue(held <= bound, "the scratch held " + held + " bytes between resets, more than " + bound);
        });
    }

    @Test
    void fusedGeluKeepsOnlyItsOutput() {
        Tensor x = Tensor.parameter(Nd4j.rand(DataType.FLOAT, 64, 256));
        try (MemoryScope scope = MemoryScope.open()) {
            MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
            long before = workspace.getThisCycleAllocations();
            Tensor y = GeluOp.tanh(x);
            assertEquals(64L * 256 * Float.BYTES, workspace.getThisCycleAllocations() - before,
                    "tanh GELU kept more than its output for the backward pass");
            assertTrue(y.requiresGrad());
        }
    }

    @Test
    void fusedLayerNormKeepsOnlyItsOutput() {
        Tensor x = Tensor.parameter(Nd4j.rand(DataType.FLOAT, 96, 128));
        Tensor gain = Tensor.parameter(Nd4j.ones(DataType.FLOAT, 128));
        Tensor bias = Tensor.parameter(Nd4j.zeros(DataType.FLOAT, 128));
        try (MemoryScope scope = MemoryScope.open()) {
            MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
            long before = workspace.getThisCycleAllocations();
            Tensor y = LayerNormOp.apply(x, gain, bias, 1e-5);
            assertEquals(96L * 128 * Float.BYTES, workspace.getThisCycleAllocations() - before,
                    "layer norm kept more than its output for the backward pass");
            assertTrue(y.requiresGrad());
        }
    }

    @Test
    void fusedAttentionKeepsOnlyItsOutput() {
        long[] shape = {2, 4, 96, 16};                                          // weights would be 2·4·96·96 floats
        Tensor q = Tensor.parameter(Nd4j.rand(DataType.FLOAT, shape));
        Tensor k = Tensor.parameter(Nd4j.rand(DataType.FLOAT, shape));
        Tensor v = Tensor.parameter(Nd4j.rand(DataType.FLOAT, shape));
        try (MemoryScope scope = MemoryScope.open()) {
            MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
            long before = workspace.getThisCycleAllocations();
            Tensor y = CausalAttentionOp.apply(q, k, v, 0, null);
            assertEquals(2L * 4 * 96 * 16 * Float.BYTES, workspace.getThisCycleAllocations() - before,
                    "attention kept more than its output for the backward pass");
            assertTrue(y.requiresGrad());
        }
    }

    @Test
    void attentionOnHeadsSideBySideKeepsOnlyItsOutput() {
        long[] shape = {2, 96, 64};                                             // 4 heads of 16
        Tensor q = Tensor.parameter(Nd4j.rand(DataType.FLOAT, shape));
        Tensor k = Tensor.parameter(Nd4j.rand(DataType.FLOAT, shape));
        Tensor v = Tensor.parameter(Nd4j.rand(DataType.FLOAT, shape));
        try (MemoryScope scope = MemoryScope.open()) {
            MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
            long before = workspace.getThisCycleAllocations();
            Tensor y = CausalAttentionOp.applyPacked(q, k, v, 4, 0, null);
            assertEquals(2L * 96 * 64 * Float.BYTES, workspace.getThisCycleAllocations() - before,
                    "attention kept more than its output: copies of the heads, or the weights");
            assertTrue(y.requiresGrad());
        }
    }

    @Test
    void fusedCrossEntropyKeepsNoSoftmax() {
        Tensor logits = Tensor.parameter(Nd4j.rand(DataType.FLOAT, 128, 500));
        INDArray targets = Nd4j.createFromArray(tokens(3));
        try (MemoryScope scope = MemoryScope.open()) {
            MemoryWorkspace workspace = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(MemoryScope.WORKSPACE_ID);
            long before = workspace.getThisCycleAllocations();
            Tensor loss = CrossEntropyOp.apply(logits, targets, -100);
            long kept = workspace.getThisCycleAllocations() - before;
            // the loss and a copy of the target ids (about 1 kB) are fine; the [128, 500] softmax is 256,000 bytes
            assertTrue(kept < 128 * 500 * Float.BYTES / 64,
                    "cross-entropy kept " + kept + " bytes; its softmax would be " + 128 * 500 * Float.BYTES);
            assertTrue(loss.requiresGrad());
        }
    }

    @Test
    void arraysBeyondTheScratchBlockStillCountAsScratch() {
        try (GradientScratch scratch = GradientScratch.open()) {
            long block = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(GradientScratch.WORKSPACE_ID)
                    .getCurrentSize();
            // larger than the block: allocated on its own, and freed with the scratch's next reset
            INDArray spilled = Nd4j.createUninitialized(DataType.FLOAT, block / Float.BYTES + 1024);
            assertTrue(scratch.holds(spilled), "an array spilled from the scratch would outlive its reset unnoticed");
            assertTrue(scratch.holds(spilled.reshape(1, spilled.length())));
        }
    }

    @Test
    void anOwnedGradientBufferIsClosedWhenItsLastViewIsConsumed() {
        try (GradientScratch scratch = GradientScratch.open()) {
            INDArray inScratch = Nd4j.rand(DataType.FLOAT, 6, 4);
            assertTrue(scratch.holds(inScratch));
            assertTrue(scratch.holds(inScratch.reshape(24)));
            PendingGradient owned = PendingGradient.copyOf(inScratch);
            assertFalse(scratch.holds(owned.array()));
            assertTrue(owned.exclusive());
            PendingGradient view = owned.classify(owned.array().reshape(24), scratch);   // as a reshape returns it
            assertEquals(PendingGradient.Kind.OWNED, view.kind());
            assertFalse(owned.exclusive(), "two gradients view the buffer: neither may add in place");
            owned.release();
            assertTrue(view.exclusive());
            assertFalse(view.array().wasClosed());
            INDArray base = owned.array();
            view.release();
            assertTrue(base.wasClosed(), "the buffer outlived the last gradient viewing it");
        }
    }

    private static long[] tokens(int salt) {
        long[] t = new long[BATCH * CONTEXT];
        for (int i = 0; i < t.length; i++) {
            t[i] = (i * 31L + salt * 17L) % 65;
        }
        return t;
    }
}
