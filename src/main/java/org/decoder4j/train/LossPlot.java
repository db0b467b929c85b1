package org.decoder4j.train;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.io.AtomicWrite;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;
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
 * say so with {@code -Djava.awt.headless=true} (the command line does).
 */
public final class LossPlot implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LossPlot.class);
    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color TRAIN_RAW = new Color(31, 119, 180, 70);
    private static final Color VALIDATION = new Color(214, 39, 40);

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

    /** A plot written to {@code file} (800 × 500 pixels, no smoothing) at the end of the run. */
    public static LossPlot to(Path file) {
        return new LossPlot(file);
    }

    /** The image's size in pixels. */
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

    /** Writes the plot of what has been recorded so far. */
    public void write() throws IOException {
        AtomicWrite.write(file, BitmapEncoder.getBitmapBytes(chart(), BitmapFormat.PNG));
        LOG.info("loss plot written to {}", file);
    }

    private XYChart chart() {
        XYChart chart = new XYChartBuilder().width(width).height(height).title("Loss")
                .xAxisTitle("step").yAxisTitle("loss (nats)").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(6);
        if (!trainLosses.isEmpty()) {
            if (smoothing > 0) {
                line(chart.addSeries("training", trainSteps, trainLosses), TRAIN_RAW).setShowInLegend(false);
                line(chart.addSeries("training (smoothed)", trainSteps, smoothed(trainLosses, smoothing)), TRAIN);
            } else {
                line(chart.addSeries("training", trainSteps, trainLosses), TRAIN);
            }
        }
        if (!valLosses.isEmpty()) {
            XYSeries val = chart.addSeries("validation", valSteps, valLosses);
            val.setLineColor(VALIDATION);
            val.setMarkerColor(VALIDATION);
            val.setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static XYSeries line(XYSeries series, Color color) {
        series.setLineColor(color);
        series.setMarker(SeriesMarkers.NONE);
        return series;
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
