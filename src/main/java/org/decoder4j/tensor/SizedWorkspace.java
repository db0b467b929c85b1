package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.NativeHeap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An ND4J workspace of one block per thread, sized from what its cycles use: the first cycle
 * allocates each array on its own and measures them, and a block of that size plus a tenth is made
 * when it closes; a later cycle that does not fit gets a larger block the same way. Once the block
 * fits, a cycle costs a pointer bump per array and nothing when it closes.
 *
 * <p>ND4J's own learning workspaces (LearningPolicy FIRST_LOOP with SpillPolicy REALLOCATE) do not
 * get there in 1.0.0-M2.1: {@code Nd4jWorkspace.close()} re-runs the block's initialisation on every
 * cycle that allocated anything, allocating and zeroing a whole new block each time (gigabytes per
 * training step on a GPT-2-small shape).
 *
 * <pre>{@code
 * SizedWorkspace steps = new SizedWorkspace("decoder4j-scope");
 * MemoryWorkspace ws = steps.activate();     // arrays ND4J allocates now land in the block
 * ...
 * steps.close(ws);                            // reset; resized if this cycle did not fit
 * }</pre>
 */
final class SizedWorkspace {

    /** Headroom over the largest cycle seen, so that small variations between cycles fit. */
    private static final double HEADROOM = 0.1;

    private final String id;
    private final ThreadLocal<Long> blockBytes = ThreadLocal.withInitial(() -> 0L);

    SizedWorkspace(String id) {
        this.id = id;
    }

    /** ND4J's id of the workspace (one per thread). */
    String id() {
        return id;
    }

    /** Opens a cycle of this thread's workspace. */
    MemoryWorkspace activate() {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(blockOf(blockBytes.get()), id);
    }

    /**
     * Ends the cycle opened by {@link #activate()}: its arrays are released. If they did not fit in
     * the block, the block is replaced by one that fits them, allocated now (after the freed arrays
     * are given back to the system), so that first touching it falls on this cycle.
     */
    void close(MemoryWorkspace workspace) {
        long used = workspace.getThisCycleAllocations();
        workspace.close();
        if (used > workspace.getCurrentSize()) {
            Nd4j.getWorkspaceManager().destroyWorkspace(workspace);
            NativeHeap.trim();
            long bytes = (long) (used * (1 + HEADROOM));
            blockBytes.set(bytes);
            Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(blockOf(bytes), id);
        }
    }

    /** One block of {@code bytes}, allocated once; arrays beyond it are allocated on their own. */
    private static WorkspaceConfiguration blockOf(long bytes) {
        return WorkspaceConfiguration.builder()
                .initialSize(bytes)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .policyReset(ResetPolicy.BLOCK_LEFT)
                .policySpill(SpillPolicy.EXTERNAL)
                .build();
    }
}
