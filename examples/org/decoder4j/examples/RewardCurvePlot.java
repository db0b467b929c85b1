package org.decoder4j.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws reward curves (one value per step, several series) as a PNG line chart with the JDK alone. */
final class RewardCurvePlot {

    /** A named series of per-step values and its colour. */
    record Series(String name, double[] values, Color color) {
    }

    private static final int WIDTH = 800;
    private static final int HEIGHT = 480;
    private static final int MARGIN = 60;

    private RewardCurvePlot() {
    }

    static void write(Path png, String title, String yLabel, List<Series> series) throws IOException {
        int steps = series.stream().mapToInt(s -> s.values().length).max().orElse(1);
        double max = series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).max().orElse(1);
        double min = Math.min(0, series.stream().flatMapToDouble(s -> java.util.Arrays.stream(s.values())).min().orElse(0));
        double top = max <= min ? min + 1 : max;
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int x0 = MARGIN;
        int y0 = HEIGHT - MARGIN;
        int x1 = WIDTH - 20;
        int y1 = 40;
        g.drawLine(x0, y0, x1, y0);
        g.drawLine(x0, y0, x0, y1);
        g.drawString(title, x0, 25);
        g.drawString("step", (x0 + x1) / 2, HEIGHT - 15);
        g.drawString(yLabel, 5, y1 - 10);
        for (int i = 0; i <= 4; i++) {
            double v = min + (top - min) * i / 4;
            int y = y0 - (int) ((y0 - y1) * i / 4.0);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x0 + 1, y, x1, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.2f", v), 10, y + 5);
            int step = (int) Math.round((steps - 1) * i / 4.0);
            int x = x0 + (int) ((x1 - x0) * i / 4.0);
            g.drawString(Integer.toString(step), x - 8, y0 + 18);
        }
        int legendY = y1 + 5;
        for (Series s : series) {
            g.setColor(s.color());
            g.setStroke(new BasicStroke(2f));
            double[] v = s.values();
            for (int i = 1; i < v.length; i++) {
                g.drawLine(xOf(i - 1, steps, x0, x1), yOf(v[i - 1], min, top, y0, y1),
                        xOf(i, steps, x0, x1), yOf(v[i], min, top, y0, y1));
            }
            g.drawString(s.name(), x1 - 260, legendY += 16);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static int xOf(int step, int steps, int x0, int x1) {
        return x0 + (int) ((x1 - x0) * step / (double) Math.max(1, steps - 1));
    }

    private static int yOf(double v, double min, double max, int y0, int y1) {
        return y0 - (int) ((y0 - y1) * (v - min) / (max - min));
    }
}
