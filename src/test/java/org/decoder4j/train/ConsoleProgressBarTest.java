package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.decoder4j.eval.EvalResult;
import org.junit.jupiter.api.Test;

class ConsoleProgressBarTest {

    private long now;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ConsoleProgressBar bar = new ConsoleProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8),
            () -> now, 200);

    /** Step {@code k} at {@code seconds} on the clock: loss 2.5 - 0.1k, 100 tokens in 100 ms. */
    private void step(int k, double seconds) {
        now = (long) (seconds * 1e9);
        bar.onStep(new StepResult(k, 2.5 - 0.1 * k, 1e-3, 0.5, 100, 100));
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void drawsTheBarInPlaceAndValidationResultsAboveIt() {
        now = 0;
        bar.onStart(0, 10);
        step(0, 1.0);
        String first = " 10% [##------------------] 1/10  loss 2.5000  lr 1.00e-03  1000 tok/s  eta 0:09";
        assertEquals("\r" + first, output());

        step(1, 1.1);   // within 200 ms of the last drawing: not drawn
        assertEquals("\r" + first, output());

        step(2, 3.0);   // 1 s per step so far, 7 steps left
        String third = " 30% [######--------------] 3/10  loss 2.3000  lr 1.00e-03  1000 tok/s  eta 0:07";
        assertEquals("\r" + first + "\r" + third, output());

        bar.onEvaluation(3, new EvalResult(2.0, Math.exp(2.0), 0.25, 640));
        String validation = "step 3  val loss 2.0000  perplexity 7.389  accuracy 0.2500";
        // the shorter line blanks the rest of the bar, and stays
        assertEquals("\r" + first + "\r" + third + "\r" + validation
                + " ".repeat(third.length() - validation.length()) + System.lineSeparator(), output());

        int before = output().length();
        step(3, 3.05);  // the first step after a validation line redraws at once
        assertEquals("\r 40% [########------------] 4/10  loss 2.2000  lr 1.00e-03  1000 tok/s  eta 0:05",
                output().substring(before));

        for (int k = 4; k < 10; k++) {
            step(k, 3.05 + 0.03 * (k - 3));   // within 200 ms of step 3: only the last step is drawn
        }
        bar.onFinish(new TrainingReport(10, 1.6, 2.0, 2.0, 100, 1000, 3.35));
        String last = "\r100% [####################] 10/10  loss 1.6000  lr 1.00e-03  1000 tok/s  eta 0:00";
        assertTrue(output().endsWith(last + last + System.lineSeparator()), output());
        for (String skipped : List.of("2/10", "5/10", "6/10", "7/10", "8/10", "9/10")) {
            assertFalse(output().contains("] " + skipped + " "), skipped + " was drawn: " + output());
        }
    }

    @Test
    void throughputIsTokensOverStepTimeAndTheEtaCountsFromTheFirstStepOfTheRun() {
        now = 0;
        bar.onStart(100, 200);   // a run resumed at step 100
        now = 2_000_000_000L;
        bar.onStep(new StepResult(100, 1.25, 5e-4, 0.5, 250, 1000));
        // 1 step in 2 s, 99 left: 198 s
        assertEquals("\r 50% [##########----------] 101/200  loss 1.2500  lr 5.00e-04  4000 tok/s  eta 3:18",
                output());
    }

    @Test
    void aRunWithoutStepsPrintsNothing() {
        bar.onStart(0, 0);
        bar.onFinish(new TrainingReport(0, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0));
        assertEquals("", output());
    }
}
