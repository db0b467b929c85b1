package org.decoder4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A building block with named parameters and named children, as {@code torch.nn.Module}.
 *
 * <p>Subclasses register their parameters and children in the constructor; names compose with
 * dots ({@code h.0.attn.query.weight}). Training mode switches dropout on and off.
 *
 * <pre>{@code
 * final class Scale extends Module {
 *     private final Tensor factor = registerParameter("factor", Nd4j.ones(DataType.FLOAT, 1));
 *     Tensor forward(Tensor x) { return x.mul(factor); }
 * }
 * }</pre>
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * Registers a trainable parameter initialised to {@code value}; returns it.
     *
     * @param name the parameter's name within this module, without dots
     * @param value its initial value
     * @return the parameter
     */
    protected final Tensor registerParameter(String name, INDArray value) {
        checkName(name);
        Tensor parameter = Tensor.parameter(value);
        parameters.put(name, parameter);
        return parameter;
    }

    /**
     * Registers a child module; returns it.
     *
     * @param <M> the child's type
     * @param name the child's name within this module, without dots
     * @param child the child module
     * @return the child
     */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkName(name);
        children.put(name, child);
        return child;
    }

    private void checkName(String name) {
        if (parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("duplicate name " + name + " in " + getClass().getSimpleName());
        }
    }

    /**
     * All parameters of this module and its descendants, by dotted name, in registration order.
     *
     * @return the parameters by dotted name
     */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        collect("", all);
        return Collections.unmodifiableMap(all);
    }

    private void collect(String prefix, Map<String, Tensor> into) {
        parameters.forEach((name, p) -> into.put(prefix + name, p));
        children.forEach((name, child) -> child.collect(prefix + name + ".", into));
    }

    /**
     * All parameters, in the order of {@link #namedParameters()}.
     *
     * @return the parameters
     */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * The direct children, by name.
     *
     * @return the children by name
     */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Total number of scalar parameters.
     *
     * @return the parameter count
     */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.value().length();
        }
        return n;
    }

    /**
     * Sets training mode (dropout active) on this module and all descendants; returns this.
     *
     * @param on true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    /**
     * Evaluation mode: same as {@code train(false)}.
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Whether the module is in training mode.
     *
     * @return true in training mode (dropout active)
     */
    public final boolean isTraining() {
        return training;
    }

    /** Zeroes the accumulated gradient of every parameter. */
    public final void zeroGrad() {
        namedParameters().values().forEach(Tensor::zeroGrad);
    }
}
