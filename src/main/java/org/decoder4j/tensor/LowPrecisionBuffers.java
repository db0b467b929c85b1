package org.decoder4j.tensor;

import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The memory that {@link Autocast} writes low-precision copies into, kept per thread from one step
 * to the next: a copy of each parameter, and a few scratch slots for the operands of single
 * products (their results are rounded in place, {@link Autocast#product}). Allocating fresh
 * native memory for every copy made the kernel fault in every page of it again on every step (a
 * GPT-2-small step converts hundreds of megabytes), which cost more than the conversions
 * themselves.
 *
 * <pre>{@code
 * LowPrecisionBuffers buffers = LowPrecisionBuffers.forThread();
 * INDArray w16 = buffers.parameterCopy(w, DataType.BFLOAT16);     // same shape as w, contents stale
 * INDArray x16 = buffers.slot(0, DataType.BFLOAT16, x.shape());   // valid until slot 0 is taken again
 * }</pre>
 */
final class LowPrecisionBuffers {

    private static final ThreadLocal<LowPrecisionBuffers> THREAD = ThreadLocal.withInitial(LowPrecisionBuffers::new);

    private final Map<INDArray, INDArray> parameterCopies = new IdentityHashMap<>();
    private final Map<Integer, INDArray> slots = new HashMap<>();

    private LowPrecisionBuffers() {
    }

    /** This thread's buffers. */
    static LowPrecisionBuffers forThread() {
        return THREAD.get();
    }

    /**
     * A buffer of {@code parameter}'s shape in {@code type}, the same one every step; its contents
     * are whatever was written last.
     */
    INDArray parameterCopy(INDArray parameter, DataType type) {
        INDArray copy = parameterCopies.get(parameter);
        if (copy == null || copy.dataType() != type || !Arrays.equals(copy.shape(), parameter.shape())) {
            if (copy != null) {
                copy.close();
            }
            copy = MemoryScope.persistent(() -> Nd4j.createUninitialized(type, parameter.shape()));
            parameterCopies.put(parameter, copy);
        }
        return copy;
    }

    /** Frees the copies of parameters that are not among {@code parameters} (another model's). */
    void keepOnly(Set<INDArray> parameters) {
        for (Iterator<Map.Entry<INDArray, INDArray>> it = parameterCopies.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<INDArray, INDArray> entry = it.next();
            if (!parameters.contains(entry.getKey())) {
                entry.getValue().close();
                it.remove();
            }
        }
    }

    /**
     * A C-ordered array of {@code shape} in {@code type} over scratch slot {@code index}'s memory,
     * grown when too small; it stays valid until the slot is taken again.
     */
    INDArray slot(int index, DataType type, long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int key = index * 16 + type.ordinal();
        INDArray backing = slots.get(key);
        if (backing == null || backing.length() < n) {
            if (backing != null) {
                backing.close();
            }
            long capacity = backing == null ? n : Math.max(n, backing.length() + backing.length() / 2);
            backing = MemoryScope.persistent(() -> Nd4j.createUninitialized(type, capacity));
            slots.put(key, backing);
        }
        return Nd4j.create(backing.data(), shape, Nd4j.getStrides(shape, 'c'), 0, 'c', type);
    }
}
