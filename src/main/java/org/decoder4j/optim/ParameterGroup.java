package org.decoder4j.optim;

import java.util.ArrayList;
import java.util.List;
import org.decoder4j.tensor.Tensor;

/**
 * Parameters that share a learning rate and a weight decay, as a PyTorch {@code param_group}.
 * Schedules change {@link #lr} each step; {@link #initialLr} is the base they scale.
 *
 * <pre>{@code
 * ParameterGroup decayed = new ParameterGroup(matrices, 1e-3, 0.1);
 * }</pre>
 */
public final class ParameterGroup {

    private final List<Tensor> parameters;
    private final double initialLr;
    private final double weightDecay;
    private double lr;

    /**
     * A group of parameters sharing a learning rate and a weight decay.
     *
     * @param parameters the parameters, in order
     * @param lr the initial learning rate, {@code >= 0}
     * @param weightDecay the weight decay, {@code >= 0}
     */
    public ParameterGroup(List<Tensor> parameters, double lr, double weightDecay) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.parameters = List.copyOf(new ArrayList<>(parameters));
        this.initialLr = lr;
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    /**
     * The group's parameters.
     *
     * @return the parameters, unmodifiable
     */
    public List<Tensor> parameters() {
        return parameters;
    }

    /**
     * The learning rate the next step uses.
     *
     * @return the current rate
     */
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning rate of the next steps (what a schedule does).
     *
     * @param lr the new rate
     */
    public void setLr(double lr) {
        this.lr = lr;
    }

    /**
     * The learning rate the group was created with (PyTorch's {@code initial_lr}).
     *
     * @return the initial rate
     */
    public double initialLr() {
        return initialLr;
    }

    /**
     * The group's weight decay.
     *
     * @return the weight decay
     */
    public double weightDecay() {
        return weightDecay;
    }
}
