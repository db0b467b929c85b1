package org.decoder4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Releases the off-heap buffers of intermediate arrays deterministically.
 *
 * <p>ND4J arrays live outside the Java heap and are otherwise freed only when the garbage collector
 * notices their small on-heap handles. A training step makes hundreds of large intermediates, so
 * the trainer opens a scope around each step; every activation and gradient that the autograd ops
 * create inside it is released when the scope closes. Parameters, their gradient buffers and
 * optimizer state are created outside any scope and are never tracked.
 *
 * <pre>{@code
 * try (MemoryScope step = MemoryScope.open()) {
 *     Tensor loss = model.loss(batch);
 *     loss.backward();
 *     lossValue = loss.item();      // read what you need before the scope closes
 *     optimizer.step();
 * }
 * }</pre>
 *
 * <p>Scopes nest; an array belongs to the innermost open scope of its thread. Outside any scope
 * nothing is tracked and the garbage collector frees arrays as usual.
 */
public final class MemoryScope implements AutoCloseable {

    private static final ThreadLocal<Deque<MemoryScope>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<INDArray> tracked = new ArrayList<>(512);
    private final Thread owner = Thread.currentThread();
    private boolean closed;

    private MemoryScope() {
    }

    /** Opens a scope on the current thread; close it on the same thread. */
    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope();
        OPEN.get().push(scope);
        return scope;
    }

    /**
     * Registers an array with the innermost open scope, if any, and returns it.
     *
     * @param array an array this thread just allocated and that nothing outlives the scope with
     * @return the same array
     */
    public static INDArray track(INDArray array) {
        MemoryScope scope = OPEN.get().peek();
        if (scope != null && array != null) {
            scope.tracked.add(array);
        }
        return array;
    }

    /** Whether a scope is open on this thread. */
    public static boolean isActive() {
        return !OPEN.get().isEmpty();
    }

    /** Number of arrays this scope will release on close. */
    public int size() {
        return tracked.size();
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
        Deque<MemoryScope> stack = OPEN.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("MemoryScope closed out of order: an inner scope is still open");
        }
        stack.pop();
        closed = true;
        for (INDArray array : tracked) {
            if (array.closeable()) {
                array.close();
            }
        }
        tracked.clear();
    }
}
