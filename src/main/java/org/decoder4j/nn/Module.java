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

    /** Registers a trainable parameter initialised to {@code value}; returns it. */
    protected final Tensor registerParameter(String name, INDArray value) {
        checkName(name);
        Tensor parameter = Tensor.parameter(value);
        parameters.put(name, parameter);
        return parameter;
    }

    /** Registers a child module; returns it. */
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

    /** All parameters of this module and its descendants, by dotted name, in registration order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> all = new LinkedHashMap<>();
        collect("", all);
        return Collections.unmodifiableMap(all);
    }

    private void collect(String prefix, Map<String, Tensor> into) {
        parameters.forEach((name, p) -> into.put(prefix + name, p));
        children.forEach((name, child) -> child.collect(prefix + name + ".", into));
    }

    /** All parameters, in the order of {@link #namedParameters()}. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** The direct children, by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Total number of scalar parameters. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor p : namedParameters().values()) {
            n += p.value().length();
        }
        return n;
    }

    /** Sets training mode (dropout active) on this module and all descendants; returns this. */
    public Module train(boolean on) {
        training = on;
        children.values().forEach(c -> c.train(on));
        return this;
    }

    /** Evaluation mode: same as {@code train(false)}. */
    public Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Zeroes the accumulated gradient of every parameter. */
    public final void zeroGrad() {
        namedParameters().values().forEach(Tensor::zeroGrad);
    }
}
