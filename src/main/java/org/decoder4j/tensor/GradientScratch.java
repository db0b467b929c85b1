package org.decoder4j.tensor;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The workspace that a backward pass's arrays are allocated in: every temporary and every
 * input gradient an operation's {@link Backward} makes lands here, nested inside the step's
 * {@link MemoryScope}, and the whole block is reset every few operations, once what is still
 * needed has been copied out ({@link BackwardPass}). The backward's memory is therefore bounded by
 * a few operations' worth instead of growing with the depth of the graph.
 *
 * <p>Like the step's workspace it is sized while it is first used and reused without calling the
 * system allocator afterwards ({@link SizedWorkspace}); one block per thread.
 */
final class GradientScratch implements AutoCloseable {

    /** ND4J's id of the scratch workspace (one per thread). */
    static final String WORKSPACE_ID = "decoder4j-backward";
    /** A reset is due once the block holds this many times the largest gradient seen so far. */
    static final int BUDGET_IN_GRADIENTS = 8;

    private static final SizedWorkspace WORKSPACE = new SizedWorkspace(WORKSPACE_ID);

    private MemoryWorkspace workspace;
    private long largestGradientBytes;
    private int resets;

    private GradientScratch() {
        this.workspace = activate();
    }

    /** Opens the scratch on this thread: arrays ND4J allocates from now on land in it. */
    static GradientScratch open() {
        return new GradientScratch();
    }

    private static MemoryWorkspace activate() {
        return WORKSPACE.activate();
    }

    /** Whether {@code array} (or the array it views) was allocated in this scratch. */
    boolean holds(INDArray array) {
        return array.isAttached() && array.data().getParentWorkspace() == workspace;
    }

    /** Notes a gradient an operation returned: the reset budget scales with the largest one. */
    void noteGradient(INDArray gradient) {
        largestGradientBytes = Math.max(largestGradientBytes, gradient.length() * gradient.dataType().width());
    }

    /** Whether the arrays allocated since the last reset exceed the budget. */
    boolean resetDue() {
        return workspace.getThisCycleAllocations() > BUDGET_IN_GRADIENTS * largestGradientBytes;
    }

    /**
     * Releases everything allocated since the last reset and starts again from the block's
     * beginning. Arrays allocated in the scratch must not be used afterwards.
     */
    void reset() {
        WORKSPACE.close(workspace);
        workspace = activate();
        resets++;
    }

    /** How often the scratch was reset during this pass. */
    int resets() {
        return resets;
    }

    /** Leaves the scratch: later allocations go where they went before {@link #open()}. */
    @Override
    public void close() {
        WORKSPACE.close(workspace);
    }
}
