package org.decoder4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A gradient on its way to the tensor it belongs to during a {@link BackwardPass}, with who owns
 * its memory:
 * <ul>
 *   <li>{@link Kind#SCRATCH}: allocated in the {@link GradientScratch}; valid until the scratch's
 *       next reset, before which the pass copies it out;</li>
 *   <li>{@link Kind#OWNED}: a buffer of the pass's own outside every workspace, shared by the
 *       gradients that view it and closed when the last of them has been consumed;</li>
 *   <li>{@link Kind#BORROWED}: someone else's array (the caller's output gradient, or part of the
 *       forward pass in the step's scope), read but never written or closed.</li>
 * </ul>
 */
final class PendingGradient {

    enum Kind { SCRATCH, OWNED, BORROWED }

    private final INDArray array;
    private final Kind kind;
    private final Buffer buffer;

    private PendingGradient(INDArray array, Kind kind, Buffer buffer) {
        this.array = array;
        this.kind = kind;
        this.buffer = buffer;
    }

    static PendingGradient scratch(INDArray array) {
        return new PendingGradient(array, Kind.SCRATCH, null);
    }

    static PendingGradient borrowed(INDArray array) {
        return new PendingGradient(array, Kind.BORROWED, null);
    }

    /** A copy of {@code array} in a new buffer outside every workspace, owned by the pass. */
    static PendingGradient copyOf(INDArray array) {
        INDArray copy = MemoryScope.persistent(() -> array.dup('c'));
        return new PendingGradient(copy, Kind.OWNED, new Buffer(copy));
    }

    /**
     * {@code view}, which an operation returned for one of its inputs, as a pending gradient:
     * sharing this gradient's owned buffer when it views it.
     */
    PendingGradient classify(INDArray view, GradientScratch scratch) {
        if (scratch.holds(view)) {
            return scratch(view);
        }
        if (kind == Kind.OWNED && view.data().address() == buffer.base.data().address()) {
            buffer.references++;
            return new PendingGradient(view, Kind.OWNED, buffer);
        }
        return borrowed(view);
    }

    INDArray array() {
        return array;
    }

    Kind kind() {
        return kind;
    }

    /** Whether the array may be added to in place: an owned buffer that nothing else views. */
    boolean exclusive() {
        return kind == Kind.OWNED && buffer.references == 1;
    }

    /** Drops this gradient's claim on its memory; the last claim on an owned buffer frees it. */
    void release() {
        if (kind == Kind.OWNED && --buffer.references == 0) {
            buffer.base.close();
        }
    }

    /** An owned buffer and how many pending gradients view it. */
    private static final class Buffer {
        private final INDArray base;
        private int references = 1;

        Buffer(INDArray base) {
            this.base = base;
        }
    }
}
