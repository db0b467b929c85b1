package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.decoder4j.eval.EvalResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    /** 60 steps of a falling loss, validation every 20 steps; one step diverged. */
    private static void run(LossPlot plot, boolean validate) {
        plot.onStart(0, 60);
        for (int k = 0; k < 60; k++) {
            double loss = k == 30 ? Double.NaN : 1 + 2 * Math.exp(-k / 15.0) + 0.1 * Math.sin(k);
            plot.onStep(new StepResult(k, loss, 1e-3, 1, 10, 100));
            if (validate && (k + 1) % 20 == 0) {
                double val = 1.2 + 2 * Math.exp(-(k + 1) / 15.0);
                plot.onEvaluation(k + 1, new EvalResult(val, Math.exp(val), 0.5, 1000));
            }
        }
        plot.onFinish(new TrainingReport(60, 1.1, 1.2, 1.2, 10, 10000, 1));
    }

    @Test
    void writesAPngOfTheRequestedSizeWithBothCurves() throws IOException {
        Path file = dir.resolve("plots/loss.png");
        run(LossPlot.to(file).size(640, 400).smoothing(0.9), true);

        byte[] png = Files.readAllBytes(file);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        ByteBuffer header = ByteBuffer.wrap(png, 8, 25);
        assertEquals(13, header.getInt(), "IHDR length");
        assertEquals("IHDR", new String(png, 12, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(640, ByteBuffer.wrap(png, 16, 4).getInt());
        assertEquals(400, ByteBuffer.wrap(png, 20, 4).getInt());

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(640, image.getWidth());
        assertEquals(400, image.getHeight());
        assertTrue(pixelsNear(image, 214, 39, 40) > 50, "the validation curve is drawn in red");
        assertTrue(pixelsNear(image, 31, 119, 180) > 200, "the training curve is drawn in blue");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left beside it");
        }
    }

    @Test
    void withoutValidationThereIsNoValidationCurve() throws IOException {
        Path file = dir.resolve("train-only.png");
        run(LossPlot.to(file), false);
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(800, image.getWidth());
        assertEquals(500, image.getHeight());
        assertEquals(0, pixelsNear(image, 214, 39, 40));
        assertTrue(pixelsNear(image, 31, 119, 180) > 200);
    }

    private static int pixelsNear(BufferedImage image, int r, int g, int b) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int dr = ((rgb >> 16) & 0xff) - r;
                int dg = ((rgb >> 8) & 0xff) - g;
                int db = (rgb & 0xff) - b;
                if (dr * dr + dg * dg + db * db < 30 * 30) {
                    count++;
                }
            }
        }
        return count;
    }

    @Test
    void smoothingIsAMovingAverageCorrectedForItsStart() {
        assertEquals(List.of(1.0, 1.0, 1.0), LossPlot.smoothed(List.of(1.0, 1.0, 1.0), 0.9));
        List<Double> s = LossPlot.smoothed(List.of(0.0, 10.0, 10.0), 0.5);
        assertEquals(0.0, s.get(0));
        assertEquals(5.0 / 0.75, s.get(1), 1e-12);        // (0.5·0 + 0.5·10) / (1 − 0.25)
        assertEquals(7.5 / 0.875, s.get(2), 1e-12);       // (0.5·5 + 0.5·10) / (1 − 0.125)
        assertEquals(List.of(3.0, 2.0), LossPlot.smoothed(List.of(3.0, 2.0), 0.0));
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> LossPlot.to(dir.resolve("x.png")).size(0, 10));
        assertThrows(IllegalArgumentException.class, () -> LossPlot.to(dir.resolve("x.png")).smoothing(1.0));
    }

    @Test
    void withoutXChartOnTheClassPathAskingForAPlotSaysWhatToAdd() throws Exception {
        URL classes = LossPlot.class.getProtectionDomain().getCodeSource().getLocation();
        URL slf4j = org.slf4j.LoggerFactory.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutXChart = new URLClassLoader(new URL[] {classes, slf4j},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> plot = withoutXChart.loadClass(LossPlot.class.getName());
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> plot.getMethod("to", Path.class).invoke(null, dir.resolve("loss.png")));
            assertEquals(IllegalStateException.class, e.getCause().getClass());
            assertEquals("LossPlot draws with XChart, an optional dependency of decoder4j that is not on the class "
                    + "path: add org.knowm.xchart:xchart:3.8.8 to your build to write loss plots (the command-line "
                    + "jar has it)", e.getCause().getMessage());
        }
        LossPlot.requireXChart(LossPlot.class.getClassLoader());                 // here it is there
    }
}
