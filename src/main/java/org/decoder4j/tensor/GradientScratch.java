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
 * <p>A reset is due once the block holds {@link #BUDGET_IN_GRADIENTS} times the largest gradient
 * of the last {@link #WINDOW} operations: large enough that the gradients copied out at a reset
 * are a small part of the work, and following the sizes as they change, so that the output head's
 * {@code [B·T, vocabulary]} gradients, far larger than a block's at GPT-2's vocabulary, set the
 * budget only while they are near.
 *
 * <p>Like the step's workspace it is sized while it is first used and reused without calling the
 * system allocator afterwards ({@link SizedWorkspace}); one block per thread.
 */
final class GradientScratch implements AutoCloseable {

    /** ND4J's id of the scratch workspace (one per thread). */
    static final String WORKSPACE_ID = "decoder4j-backward";
    /** A reset is due once the block holds this many times the largest recent gradient. */
    static final int BUDGET_IN_GRADIENTS = 8;
    /** How many of the latest operations the largest recent gradient is taken over. */
    static final int WINDOW = 8;

    private static final SizedWorkspace WORKSPACE = new SizedWorkspace(WORKSPACE_ID);

    private MemoryWorkspace workspace;
    /** Bytes of the largest gradient of each of the last {@link #WINDOW} operations, a ring. */
    private final long[] recentLargest = new long[WINDOW];
    private int nextRecent;
    private long operationLargest;
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

    /** Notes a gradient the current operation returned: the reset budget scales with the largest. */
    void noteGradient(INDArray gradient) {
        operationLargest = Math.max(operationLargest, gradient.length() * gradient.dataType().width());
    }

    /** Ends the current operation: its largest gradient joins the window and the oldest leaves. */
    void endOperation() {
        recentLargest[nextRecent] = operationLargest;
        nextRecent = (nextRecent + 1) % WINDOW;
        operationLargest = 0;
    }

    /** Whether the arrays allocated since the last reset exceed the budget. */
    boolean resetDue() {
        long largest = 0;
        for (long bytes : recentLargest) {
            largest = Math.max(largest, bytes);
        }
        return workspace.getThisCycleAllocations() > BUDGET_IN_GRADIENTS * largest;
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
