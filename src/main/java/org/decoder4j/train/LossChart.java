package org.decoder4j.train;

import java.awt.Color;
import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The drawing of {@link LossPlot} with XChart, kept apart so that {@code LossPlot} itself loads
 * without XChart and can say it is missing.
 */
final class LossChart {

    private static final Color TRAIN = new Color(31, 119, 180);
    private static final Color TRAIN_RAW = new Color(31, 119, 180, 70);
    private static final Color VALIDATION = new Color(214, 39, 40);

    private LossChart() {
    }

    /**
     * The PNG bytes of the loss curves.
     *
     * @param smoothedLosses the smoothed training curve, drawn over a faint raw one; null for none
     */
    static byte[] png(int width, int height, List<Double> trainSteps, List<Double> trainLosses,
                      List<Double> smoothedLosses, List<Double> valSteps, List<Double> valLosses) throws IOException {
        XYChart chart = new XYChartBuilder().width(width).height(height).title("Loss")
                .xAxisTitle("step").yAxisTitle("loss (nats)").build();
        chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(6);
        if (!trainLosses.isEmpty()) {
            if (smoothedLosses != null) {
                line(chart.addSeries("training", trainSteps, trainLosses), TRAIN_RAW).setShowInLegend(false);
                line(chart.addSeries("training (smoothed)", trainSteps, smoothedLosses), TRAIN);
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
        return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    }

    private static XYSeries line(XYSeries series, Color color) {
        series.setLineColor(color);
        series.setMarker(SeriesMarkers.NONE);
        return series;
    }
}
