package org.decoder4j.tensor;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Owns the off-heap memory of one unit of work (a training step, an evaluation batch, a generated
 * token) and releases all of it, deterministically, when closed.
 *
 * <p>ND4J arrays live outside the Java heap and would otherwise be freed only when the garbage
 * collector notices their small on-heap handles. Inside a scope every array ND4J allocates on this
 * thread comes from an ND4J workspace: a block that is sized during the first scope, then reused by
 * every later one without calling the system allocator. When the scope closes the block is reset.
 * Memory therefore stays flat over a long run, and allocation costs a pointer bump.
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = Loss.crossEntropy(model.forward(batch.inputs()), batch.targets());
 *     loss.backward();
 *     lossValue = loss.item();      // read what you need before the scope closes
 *     optimizer.step();
 * }
 * }</pre>
 *
 * <p>Arrays made inside a scope must not be used after it closes. What has to outlive it
 * (parameter gradients, optimizer moments, caches) is allocated through {@link #persistent}.
 * Scopes nest; only the outermost one owns the workspace. Outside any scope ND4J allocates as
 * usual and the garbage collector frees.
 */
public final class MemoryScope implements AutoCloseable {

    private static final String WORKSPACE_ID = "decoder4j-scope";
    /** Headroom over the largest cycle seen, so that small variations between steps fit. */
    private static final double HEADROOM = 0.1;
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);
    /** The size of this thread's workspace block; 0 until the first scope has measured one. */
    private static final ThreadLocal<Long> BLOCK_BYTES = ThreadLocal.withInitial(() -> 0L);

    private final MemoryWorkspace workspace;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private MemoryScope(MemoryWorkspace workspace) {
        this.workspace = workspace;
    }

    /** Opens a scope on the current thread; close it on the same thread. */
    public static MemoryScope open() {
        int depth = DEPTH.get();
        MemoryWorkspace ws = depth == 0
                ? Nd4j.getWorkspaceManager().getAndActivateWorkspace(blockOf(BLOCK_BYTES.get()), WORKSPACE_ID)
                : null;
        DEPTH.set(depth + 1);
        return new MemoryScope(ws);
    }

    /**
     * A workspace of one block of {@code bytes}, allocated once, whose arrays beyond the block are
     * allocated on their own and freed when the scope closes. ND4J's learning workspaces
     * (LearningPolicy FIRST_LOOP with SpillPolicy REALLOCATE) allocate and zero a new block on every
     * close in ND4J 1.0.0-M2.1, a pass over gigabytes per step on a large model; this block is
     * sized here instead, from the bytes the previous scope used.
     */
    private static WorkspaceConfiguration blockOf(long bytes) {
        return WorkspaceConfiguration.builder()
                .initialSize(bytes)
                .policyAllocation(AllocationPolicy.STRICT)
                .policyLearning(LearningPolicy.NONE)
                .policyReset(ResetPolicy.BLOCK_LEFT)
                .policySpill(SpillPolicy.EXTERNAL)
                .build();
    }

    /** Whether a scope is open on this thread. */
    public static boolean isActive() {
        return DEPTH.get() > 0;
    }

    /**
     * Runs {@code body} with ordinary allocation, for arrays that must outlive the open scope
     * (parameter gradients, optimizer state, caches).
     */
    public static <T> T persistent(Supplier<T> body) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return body.get();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("MemoryScope closed on thread " + Thread.currentThread().getName()
                    + " but opened on " + owner.getName());
        }
        closed = true;
        DEPTH.set(DEPTH.get() - 1);
        if (workspace != null) {
            long used = workspace.getThisCycleAllocations();
            workspace.close();
            if (used > workspace.getCurrentSize()) {
                // this scope did not fit (the first one never does): the next gets a block that fits
                // it, allocated now, so that the cost of first touching it falls on this scope
                Nd4j.getWorkspaceManager().destroyWorkspace(workspace);
                BLOCK_BYTES.set((long) (used * (1 + HEADROOM)));
                Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(blockOf(BLOCK_BYTES.get()), WORKSPACE_ID);
            }
        }
    }
}
