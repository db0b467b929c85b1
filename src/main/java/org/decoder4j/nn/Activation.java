package org.decoder4j.nn;

import java.util.Arrays;
import org.decoder4j.tensor.GeluOp;
import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.Tensor;

/** The feed-forward activation, named as in a Hugging Face GPT-2 {@code config.json}. */
public enum Activation {
    /** GPT-2's tanh approximation; {@code gelu_new} (also {@code gelu_pytorch_tanh}). */
    GELU_TANH("gelu_new"),
    /** The exact erf GELU; {@code gelu}. */
    GELU_EXACT("gelu");

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    /**
     * The {@code activation_function} value in config.json.
     *
     * @return the config name
     */
    public String configName() {
        return configName;
    }

    /**
     * Applies the activation element-wise, with its backward pass.
     *
     * @param x any shape
     * @return a tensor of the same shape
     */
    public Tensor apply(Tensor x) {
        return apply(x, OutputReaders.ANY_OP);
    }

    /**
     * Applies the activation element-wise, for an output that only {@code readers} read: with
     * {@link OutputReaders#PRODUCTS_ONLY}, under bfloat16 autocast it may be kept in bfloat16.
     *
     * @param x any shape
     * @param readers which operations read the output
     * @return a tensor of the same shape
     */
    public Tensor apply(Tensor x, OutputReaders readers) {
        return this == GELU_TANH ? GeluOp.tanh(x, readers) : GeluOp.exact(x, readers);
    }

    /**
     * Parses an {@code activation_function} value; unknown names fail with the list of known ones.
     *
     * @param name a config.json {@code activation_function} value
     * @return the activation
     */
    public static Activation fromConfigName(String name) {
        switch (name) {
            case "gelu_new":
            case "gelu_pytorch_tanh":
            case "gelu_fast":
                return GELU_TANH;
            case "gelu":
                return GELU_EXACT;
            default:
                throw new IllegalArgumentException("activation_function \"" + name + "\" is not supported; known: "
                        + Arrays.toString(new String[] {"gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu"}));
        }
    }
}
