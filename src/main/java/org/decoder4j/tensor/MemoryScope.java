package org.decoder4j.tensor;

import java.util.function.Supplier;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Owns the off-heap memory of one unit of work (a training step, an evaluation batch, a generated
 * token) and releases all of it, deterministically, when closed.
 *
 * <p>ND4J arrays live outside the Java heap and would otherwise be freed only when the garbage
 * collector notices their small on-heap handles. Inside a scope every array ND4J allocates on this
 * thread comes from an ND4J workspace: a block that is sized during the first scope, then reused by
 * every later one without calling the system allocator ({@link SizedWorkspace}). When the scope
 * closes the block is reset.
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
 * usual and the garbage collector frees. The backward pass does not allocate in the scope's
 * workspace but in a scratch workspace of its own that it resets as it goes ({@link Backward}).
 */
public final class MemoryScope implements AutoCloseable {

    /** ND4J's id of the step's workspace (one per thread). */
    static final String WORKSPACE_ID = "decoder4j-scope";
    private static final SizedWorkspace WORKSPACE = new SizedWorkspace(WORKSPACE_ID);
    private static final SizedWorkspace SCRATCH = new SizedWorkspace("decoder4j-scratch");
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);
    private static final ThreadLocal<Boolean> IN_SCRATCH = ThreadLocal.withInitial(() -> false);

    private final MemoryWorkspace workspace;
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private MemoryScope(MemoryWorkspace workspace) {
        this.workspace = workspace;
    }

    /**
     * Opens a scope on the current thread; close it on the same thread.
     *
     * @return the open scope
     */
    public static MemoryScope open() {
        int depth = DEPTH.get();
        MemoryWorkspace ws = depth == 0
                ? WORKSPACE.activate()
                : null;
        DEPTH.set(depth + 1);
        return new MemoryScope(ws);
    }

    /**
     * Whether a scope is open on this thread.
     *
     * @return true inside a scope
     */
    public static boolean isActive() {
        return DEPTH.get() > 0;
    }

    /**
     * Runs {@code body} with ordinary allocation, for arrays that must outlive the open scope
     * (parameter gradients, optimizer state, caches).
     *
     * @param <T> the result's type
     * @param body the work whose arrays must outlive the scope
     * @return what {@code body} returns
     */
    public static <T> T persistent(Supplier<T> body) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return body.get();
        }
    }

    /**
     * Runs {@code body} in a scratch block of its own, released as soon as it returns: for work done
     * piece by piece inside a scope, whose temporaries would otherwise all stay until the scope
     * closes. Like the scope's block, the scratch is sized by its first use and then reused. Arrays
     * made inside must not outlive {@code body}: return plain Java values, or write into arrays made
     * before. A scratch opened inside another one is part of it.
     *
     * <pre>{@code
     * int[] counts = MemoryScope.scratch(() -> rows.gte(0.0).castTo(DataType.INT32).sum(1).toIntVector());
     * }</pre>
     *
     * @param <T> the result's type
     * @param body the work whose arrays are temporaries
     * @return what {@code body} returns
     */
    public static <T> T scratch(Supplier<T> body) {
        if (IN_SCRATCH.get()) {
            return body.get();                                  // an enclosing scratch releases these too
        }
        MemoryWorkspace ws = SCRATCH.activate();
        IN_SCRATCH.set(true);
        try {
            return body.get();
        } finally {
            IN_SCRATCH.set(false);
            SCRATCH.close(ws);
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
            WORKSPACE.close(workspace);
        }
    }
}
