package org.decoder4j.distributed;

import org.decoder4j.nn.GPT;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float32 model's parameters and gradients as byte arrays (float32 in the platform's byte
 * order), in its {@link org.decoder4j.tensor.ParameterBuffer} order: what goes over the network
 * each step. Bytes rather than {@code float[]}: copying them out of and into ND4J's native memory
 * and serialising them are bulk copies, where a {@code float[]} is converted value by value.
 *
 * <pre>{@code
 * byte[] weights = ParameterVector.of(model).values();      // driver: to broadcast
 * ParameterVector.of(replica).loadValues(weights);          // worker: into its replica
 * byte[] grads = ParameterVector.of(replica).gradients();   // worker: to send back
 * }</pre>
 */
final class ParameterVector {

    private final INDArray values;
    private final INDArray grads;

    private ParameterVector(INDArray values, INDArray grads) {
        this.values = values;
        this.grads = grads;
    }

    /**
     * The vector view of {@code model}.
     *
     * @throws IllegalArgumentException unless the model is float32
     */
    public static ParameterVector of(GPT model) {
        if (model.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("distributed training exchanges float32 parameters; this model is "
                    + model.dataType());
        }
        return new ParameterVector(model.parameterBuffer().values(), model.parameterBuffer().grads());
    }

    /** Number of parameters. */
    public long length() {
        return values.length();
    }

    /** A copy of every parameter value. */
    public byte[] values() {
        return copyOut(values);
    }

    /** A copy of every gradient. */
    public byte[] gradients() {
        return copyOut(grads);
    }

    /** Overwrites every parameter value. */
    public void loadValues(byte[] v) {
        copyIn(v, values);
    }

    /** Overwrites every gradient. */
    public void loadGradients(byte[] g) {
        copyIn(g, grads);
    }

    private static byte[] copyOut(INDArray array) {
        byte[] out = new byte[Math.multiplyExact(Math.toIntExact(array.length()), Float.BYTES)];
        array.data().asNio().duplicate().get(out);
        return out;
    }

    private void copyIn(byte[] v, INDArray array) {
        checkLength(v);
        array.data().asNio().duplicate().put(v);
    }

    private void checkLength(byte[] v) {
        if (v.length != (long) Float.BYTES * values.length()) {
            throw new IllegalArgumentException("a vector of " + v.length + " bytes for a model of "
                    + values.length() + " float32 parameters");
        }
    }
}
