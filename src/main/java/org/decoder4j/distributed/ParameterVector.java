package org.decoder4j.distributed;

import org.decoder4j.nn.GPT;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float32 model's parameters and gradients as plain Java arrays, in its
 * {@link org.decoder4j.tensor.ParameterBuffer} order: what goes over the network each step.
 *
 * <pre>{@code
 * float[] weights = ParameterVector.of(model).values();     // driver: to broadcast
 * ParameterVector.of(replica).loadValues(weights);          // worker: into its replica
 * float[] grads = ParameterVector.of(replica).gradients();  // worker: to send back
 * }</pre>
 */
public final class ParameterVector {

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
    public int length() {
        return Math.toIntExact(values.length());
    }

    /** A copy of every parameter value. */
    public float[] values() {
        return values.data().asFloat();
    }

    /** A copy of every gradient. */
    public float[] gradients() {
        return grads.data().asFloat();
    }

    /** Overwrites every parameter value. */
    public void loadValues(float[] v) {
        checkLength(v);
        values.data().setData(v);
    }

    /** Overwrites every gradient. */
    public void loadGradients(float[] g) {
        checkLength(g);
        grads.data().setData(g);
    }

    private void checkLength(float[] v) {
        if (v.length != values.length()) {
            throw new IllegalArgumentException("a vector of " + v.length + " values for a model of "
                    + values.length() + " parameters");
        }
    }
}
