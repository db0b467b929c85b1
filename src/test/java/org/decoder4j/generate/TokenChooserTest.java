package org.decoder4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Each step of the choice against values worked out by hand from the Hugging Face definitions
 * (RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper, TopKLogitsWarper,
 * TopPLogitsWarper). Probabilities to 1e-12.
 */
class TokenChooserTest {

    private static final double EPS = 1e-12;

    private static double[] logitsOf(double... probabilities) {
        double[] l = new double[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = Math.log(probabilities[i]);
        }
        return l;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokensOnce() {
        double[] logits = {2.0, -1.0, 0.5, 3.0};
        int[] history = {0, 1, 0, 1, 9};                                       // 9 is past length
        double[] out = TokenChooser.penalize(logits, 2.0, history, 4);
        assertArrayEquals(new double[] {1.0, -2.0, 0.5, 3.0}, out, EPS);
        assertArrayEquals(new double[] {2.0, -1.0, 0.5, 3.0}, logits, 0.0, "the input is left alone");
        assertArrayEquals(logits, TokenChooser.penalize(logits, 1.0, history, 4), 0.0);
    }

    @Test
    void greedyTakesTheMostLikelyTokenAfterThePenalty() {
        SplittableRandom random = new SplittableRandom(1);
        double[] logits = {3.0, 2.0, -5.0};
        assertEquals(0, TokenChooser.choose(logits, Sampling.greedy(), random, new int[0], 0));
        // 3 / 2 = 1.5 < 2: the repeated token loses its place
        assertEquals(1, TokenChooser.choose(logits, Sampling.greedy().repetitionPenalty(2), random, new int[] {0}, 1));
    }

    @Test
    void temperatureScalesTheLogitsBeforeTheSoftmax() {
        double[] p = TokenChooser.filteredProbabilities(new double[] {0.0, Math.log(3)}, Sampling.random().temperature(0.5));
        // softmax(2·[0, ln 3]) = [1, 9] / 10
        assertArrayEquals(new double[] {0.1, 0.9}, p, EPS);
    }

    @Test
    void topKKeepsTheKMostLikelyAndTiesWithTheKth() {
        double[] p = TokenChooser.filteredProbabilities(logitsOf(0.1, 0.4, 0.3, 0.2), Sampling.random().topK(2));
        assertArrayEquals(new double[] {0, 4.0 / 7, 3.0 / 7, 0}, p, EPS);
        double[] tied = TokenChooser.filteredProbabilities(new double[] {1, 2, 2, 0}, Sampling.random().topK(1));
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, tied, EPS);
    }

    @Test
    void topPKeepsTheSmallestSetReachingPAndAtLeastOneToken() {
        double[] logits = logitsOf(0.15, 0.5, 0.1, 0.25);
        // 0.5 + 0.25 = 0.75 >= 0.7: two tokens, renormalised
        assertArrayEquals(new double[] {0, 2.0 / 3, 0, 1.0 / 3},
                TokenChooser.filteredProbabilities(logits, Sampling.random().topP(0.7)), EPS);
        // 0.75 < 0.8: the third token joins
        assertArrayEquals(new double[] {0.15 / 0.9, 0.5 / 0.9, 0, 0.25 / 0.9},
                TokenChooser.filteredProbabilities(logits, Sampling.random().topP(0.8)), EPS);
        // a threshold below the top probability keeps that token alone
        assertArrayEquals(new double[] {0, 1, 0, 0},
                TokenChooser.filteredProbabilities(logits, Sampling.random().topP(0.01)), EPS);
        assertArrayEquals(new double[] {0.15, 0.5, 0.1, 0.25},
                TokenChooser.filteredProbabilities(logits, Sampling.random().topP(1)), EPS);
    }

    @Test
    void temperatureThenTopKThenTopPCombine() {
        // temperature 0.5 squares the probabilities: [0.4, 0.3, 0.2, 0.1] -> [16, 9, 4, 1] / 30;
        // top-k 3 leaves [16, 9, 4] / 29; top-p 0.8: 16/29 = 0.55 < 0.8 <= 25/29 = 0.86
        Sampling s = Sampling.random().topK(3).temperature(0.5).topP(0.8);
        assertArrayEquals(new double[] {16.0 / 25, 9.0 / 25, 0, 0},
                TokenChooser.filteredProbabilities(logitsOf(0.4, 0.3, 0.2, 0.1), s), EPS);
    }

    @Test
    void theDrawWalksTheCumulativeProbability() {
        double[] p = {0.0, 0.25, 0.0, 0.75};
        assertEquals(1, TokenChooser.draw(p, 0.0));
        assertEquals(1, TokenChooser.draw(p, 0.2499));
        assertEquals(3, TokenChooser.draw(p, 0.25));
        assertEquals(3, TokenChooser.draw(p, 0.9999999));
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        double[] logits = logitsOf(0.2, 0.2, 0.2, 0.2, 0.2);
        int[] a = new int[50];
        int[] b = new int[50];
        SplittableRandom ra = new SplittableRandom(42);
        SplittableRandom rb = new SplittableRandom(42);
        for (int i = 0; i < 50; i++) {
            a[i] = TokenChooser.choose(logits, Sampling.random(), ra, new int[0], 0);
            b[i] = TokenChooser.choose(logits, Sampling.random(), rb, new int[0], 0);
        }
        assertArrayEquals(a, b);
        assertTrue(java.util.Arrays.stream(a).distinct().count() > 1, "a uniform draw of 50 took one token only");
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertMessage(() -> Sampling.random().topP(0), "top-p must be in (0, 1], got 0.0");
        assertMessage(() -> Sampling.random().topP(1.5), "top-p must be in (0, 1], got 1.5");
        assertMessage(() -> Sampling.random().topK(0), "top-k must be >= 1, got 0");
        assertMessage(() -> Sampling.random().topK(-3), "top-k must be >= 1, got -3");
        assertMessage(() -> Sampling.random().temperature(-0.1), "temperature must be a finite number >= 0, got -0.1");
        assertMessage(() -> Sampling.random().repetitionPenalty(0), "repetition penalty must be a finite number > 0, got 0.0");
        assertMessage(() -> Sampling.random().repetitionPenalty(-1), "repetition penalty must be a finite number > 0, got -1.0");
        assertMessage(() -> Stopping.after(-1), "the maximum number of new tokens must be >= 0, got -1");
        assertMessage(() -> Stopping.after(5).orAt(""), "a stop sequence is empty: give at least one character");
    }

    private static void assertMessage(Runnable r, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertEquals(message, e.getMessage());
    }
}
