package org.decoder4j.train;

import java.util.List;
import java.util.Objects;

/**
 * The losses of one run, in order: the training loss of every step this run took and the
 * validation loss of every evaluation. A resumed run records its own steps only.
 *
 * <pre>{@code
 * TrainingReport report = Trainer.forModel(model).data(train).steps(200).fit();
 * TrainingHistory h = report.history();
 * assertTrue(h.steps().get(h.steps().size() - 1).loss() < h.steps().get(0).loss());
 * double firstVal = h.evaluations().isEmpty() ? Double.NaN : h.evaluations().get(0).loss();
 * }</pre>
 *
 * @param steps       one point per optimizer step: the step number (0-based) and its training loss
 * @param evaluations one point per evaluation: the number of steps done and the validation loss
 */
public record TrainingHistory(List<Point> steps, List<Point> evaluations) {

    /**
     * Copies the lists, which are then unmodifiable.
     *
     * @throws NullPointerException if a list is null
     * @param steps one point per optimizer step
     * @param evaluations one point per evaluation
     */
    public TrainingHistory {
        steps = List.copyOf(Objects.requireNonNull(steps, "steps"));
        evaluations = List.copyOf(Objects.requireNonNull(evaluations, "evaluations"));
    }

    /**
     * A history with nothing in it.
     *
     * @return no steps, no evaluations
     */
    public static TrainingHistory empty() {
        return new TrainingHistory(List.of(), List.of());
    }

    /**
     * The training losses alone, step by step.
     *
     * @return one loss per step, in order
     */
    public double[] stepLosses() {
        return steps.stream().mapToDouble(Point::loss).toArray();
    }

    /**
     * One loss at one step.
     *
     * @param step for a training step, its number (0-based); for an evaluation, the number of
     *             steps done before it
     * @param loss the loss there (mean cross-entropy per token, in nats)
     */
    public record Point(long step, double loss) {
    }
}
