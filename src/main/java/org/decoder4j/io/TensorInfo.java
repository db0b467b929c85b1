package org.decoder4j.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header: its name, dtype, shape and byte range relative to
 * the start of the data region (just after the header).
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensors.open(Path.of("model.safetensors"))) {
 *     TensorInfo wte = f.info("wte.weight");
 *     long rows = wte.shape()[0];            // 50257 for GPT-2
 * }
 * }</pre>
 *
 * @param name tensor name
 * @param dtype element type in the file
 * @param shape dimensions; empty for a scalar
 * @param dataBegin first byte, relative to the data region
 * @param dataEnd one past the last byte, relative to the data region
 */
public record TensorInfo(String name, SafeTensorsDtype dtype, long[] shape, long dataBegin, long dataEnd) {

    /**
     * Checks that name and dtype are there and keeps a copy of the shape.
     *
     * @param name tensor name
     * @param dtype element type in the file
     * @param shape dimensions; empty for a scalar
     * @param dataBegin first byte, relative to the data region
     * @param dataEnd one past the last byte, relative to the data region
     */
    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    /**
     * A copy of the dimensions.
     *
     * @return the shape, copied
     */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    /**
     * Number of elements: the product of the shape (1 for a scalar).
     *
     * @return the element count
     */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * Number of bytes the tensor occupies in the file.
     *
     * @return {@code dataEnd - dataBegin}
     */
    public long byteLength() {
        return dataEnd - dataBegin;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t
                && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && dataBegin == t.dataBegin && dataEnd == t.dataEnd;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), dataBegin, dataEnd);
    }

    @Override
    public String toString() {
        return name + " " + dtype.code() + Arrays.toString(shape) + " @[" + dataBegin + ", " + dataEnd + ")";
    }
}
