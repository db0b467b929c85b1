package org.decoder4j.tensor;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Stores many parameters, and their gradients, as views into two flat arrays, so that whole-model
 * operations (zeroing gradients, the global gradient norm, clipping, an optimizer update of a
 * parameter group) are a handful of native calls instead of a handful per parameter.
 *
 * <pre>{@code
 * ParameterBuffer.pack(model.parameters());                  // done by GPT itself
 * INDArray[] span = ParameterBuffer.span(group.parameters()); // {values, grads} or null
 * }</pre>
 *
 * <p>Packing copies each parameter's current value into its slot and gives it a zeroed gradient
 * buffer; the tensors keep their shapes and names, only their storage moves.
 */
public final class ParameterBuffer {

    private final INDArray values;
    private final INDArray grads;
    private final Map<Tensor, long[]> ranges = new IdentityHashMap<>();

    private ParameterBuffer(long size, DataType type) {
        this.values = Nd4j.zeros(type, size);
        this.grads = Nd4j.zeros(type, size);
    }

    /**
     * Moves the given parameters, in this order, into one buffer.
     *
     * @param parameters leaf parameters of one data type, none packed before
     * @return the buffer now holding them
     */
    public static ParameterBuffer pack(List<Tensor> parameters) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("nothing to pack");
        }
        DataType type = parameters.get(0).dataType();
        long size = 0;
        for (Tensor p : parameters) {
            if (!p.isLeaf() || !p.requiresGrad() || p.buffer() != null || p.dataType() != type) {
                throw new IllegalArgumentException("can only pack unpacked parameters of one data type, got " + p);
            }
            size += p.value().length();
        }
        final long total = size;
        ParameterBuffer full = MemoryScope.persistent(() -> new ParameterBuffer(total, type));
        long offset = 0;
        for (Tensor p : parameters) {
            long n = p.value().length();
            long[] shape = p.shape();
            INDArray value = full.values.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape);
            INDArray grad = full.grads.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', shape);
            INDArray old = p.value();
            value.assign(old);
            p.moveTo(full, value, grad);
            if (old.closeable()) {
                old.close();                                                     // free the unpacked copy now
            }
            full.ranges.put(p, new long[] {offset, offset + n});
            offset += n;
        }
        return full;
    }

    /**
     * All values, flat.
     *
     * @return the values array
     */
    public INDArray values() {
        return values;
    }

    /**
     * All gradients, flat.
     *
     * @return the gradients array
     */
    public INDArray grads() {
        return grads;
    }

    /**
     * The flat {values, grads} views covering exactly these parameters, when they lie in one buffer
     * back to back in this order; otherwise null.
     *
     * @param parameters parameters in buffer order
     * @return the two views, or null
     */
    public static INDArray[] span(List<Tensor> parameters) {
        if (parameters.isEmpty()) {
            return null;
        }
        ParameterBuffer buffer = parameters.get(0).buffer();
        if (buffer == null) {
            return null;
        }
        long start = buffer.ranges.get(parameters.get(0))[0];
        long end = start;
        for (Tensor p : parameters) {
            long[] range = p.buffer() == buffer ? buffer.ranges.get(p) : null;
            if (range == null || range[0] != end) {
                return null;
            }
            end = range[1];
        }
        if (start == 0 && end == buffer.values.length()) {
            return new INDArray[] {buffer.values, buffer.grads};
        }
        return new INDArray[] {
            buffer.values.get(NDArrayIndex.interval(start, end)),
            buffer.grads.get(NDArrayIndex.interval(start, end))};
    }
}
