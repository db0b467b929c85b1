package org.decoder4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.io.AtomicWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the run's loss curves into a PNG file when it finishes: the training loss of every step
 * (optionally smoothed, the raw curve then drawn faintly behind) and the validation loss at each
 * evaluation, against the step count (the model after that many updates, as in
 * {@link MetricsLog}). The file is written under a temporary name and renamed, so it is either
 * the previous plot or the complete new one. Steps whose loss is not a number are left out.
 *
 * <pre>{@code
 * trainer.listener(LossPlot.to(Path.of("out/loss.png")).size(1000, 600).smoothing(0.9));
 * }</pre>
 *
 * <p>The plot is drawn off screen and needs no display; a program that never opens a window can
 * say so with {@code -Djava.awt.headless=true} (the command line does). Drawing needs XChart
 * ({@code org.knowm.xchart:xchart}), an optional dependency: {@link #to(Path)} says so when it is
 * missing.
 */
public final class LossPlot implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LossPlot.class);
    /** A class of XChart, looked up to tell whether the library is there. */
    static final String XCHART_CLASS = "org.knowm.xchart.XYChart";
    /** The XChart version decoder4j is built and tested with. */
    static final String XCHART_VERSION = "3.8.8";

    private final Path file;
    private int width = 800;
    private int height = 500;
    private double smoothing;
    private final List<Double> trainSteps = new ArrayList<>();
    private final List<Double> trainLosses = new ArrayList<>();
    private final List<Double> valSteps = new ArrayList<>();
    private final List<Double> valLosses = new ArrayList<>();

    private LossPlot(Path file) {
        this.file = file;
    }

    /**
     * A plot written to {@code file} (800 × 500 pixels, no smoothing) at the end of the run.
     *
     * @param file the PNG file to write
     * @return the listener
     * @throws IllegalStateException if XChart, an optional dependency, is not on the class path
     */
    public static LossPlot to(Path file) {
        requireXChart(LossPlot.class.getClassLoader());
        return new LossPlot(file);
    }

    /** Fails with the dependency to add when {@code loader} cannot see XChart. */
    static void requireXChart(ClassLoader loader) {
        try {
            Class.forName(XCHART_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("LossPlot draws with XChart, an optional dependency of decoder4j that is "
                    + "not on the class path: add org.knowm.xchart:xchart:" + XCHART_VERSION + " to your build to "
                    + "write loss plots (the command-line jar has it)", e);
        }
    }

    /**
     * The image's size in pixels.
     *
     * @param widthPixels the width, {@code >= 1}
     * @param heightPixels the height, {@code >= 1}
     * @return this plot
     */
    public LossPlot size(int widthPixels, int heightPixels) {
        if (widthPixels <= 0 || heightPixels <= 0) {
            throw new IllegalArgumentException("plot size must be positive, got " + widthPixels + " x " + heightPixels);
        }
        this.width = widthPixels;
        this.height = heightPixels;
        return this;
    }

    /**
     * Smooths the training curve with an exponential moving average of weight {@code weight} in
     * [0, 1) on the past (0 = none, 0.9 = about the last ten steps), corrected for its start at zero
     * so that the first points are not pulled down.
     *
     * @param weight the smoothing weight, in [0, 1)
     * @return this plot
     */
    public LossPlot smoothing(double weight) {
        if (!(weight >= 0 && weight < 1)) {
            throw new IllegalArgumentException("smoothing must be in [0, 1), got " + weight);
        }
        this.smoothing = weight;
        return this;
    }

    @Override
    public void onStart(long startStep, long totalSteps) {
        trainSteps.clear();
        trainLosses.clear();
        valSteps.clear();
        valLosses.clear();
    }

    @Override
    public void onStep(StepResult s) {
        if (Double.isFinite(s.loss())) {
            trainSteps.add((double) s.step());
            trainLosses.add(s.loss());
        }
    }

    @Override
    public void onEvaluation(long step, EvalResult r) {
        if (Double.isFinite(r.loss())) {
            valSteps.add((double) step);
            valLosses.add(r.loss());
        }
    }

    @Override
    public void onFinish(TrainingReport report) {
        try {
            write();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the loss plot " + file, e);
        }
    }

    /**
     * Writes the plot of what has been recorded so far.
     *
     * @throws IOException if the file cannot be written
     */
    public void write() throws IOException {
        byte[] png = LossChart.png(width, height, trainSteps, trainLosses,
                smoothing > 0 ? smoothed(trainLosses, smoothing) : null, valSteps, valLosses);
        AtomicWrite.write(file, png);
        LOG.info("loss plot written to {}", file);
    }

    /** Exponential moving average, divided by {@code 1 - weight^(k+1)} to undo its start at zero. */
    static List<Double> smoothed(List<Double> values, double weight) {
        List<Double> result = new ArrayList<>(values.size());
        double average = 0;
        double power = 1;
        for (double v : values) {
            average = weight * average + (1 - weight) * v;
            power *= weight;
            result.add(average / (1 - power));
        }
        return result;
    }
}
