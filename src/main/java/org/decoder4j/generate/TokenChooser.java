package org.decoder4j.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks a token id from one row of logits under a {@link Sampling} policy: repetition penalty,
 * then greedy choice, or temperature, top-k, top-p and a seeded draw.
 */
final class TokenChooser {

    private TokenChooser() {
    }

    /**
     * @param logits  next-token logits {@code [V]}; not modified
     * @param history the sequence so far, {@code history[0…length−1]}, for the repetition penalty
     */
    static int choose(double[] logits, Sampling s, SplittableRandom random, int[] history, int length) {
        double[] penalized = penalize(logits, s.repetitionPenalty(), history, length);
        if (s.isGreedy()) {
            return argmax(penalized);
        }
        return draw(filteredProbabilities(penalized, s), random.nextDouble());
    }

    /**
     * The repetition penalty of CTRL as Hugging Face applies it: each distinct token of the
     * history has its logit divided by {@code penalty} when positive, multiplied when negative.
     */
    static double[] penalize(double[] logits, double penalty, int[] history, int length) {
        double[] out = logits.clone();
        if (penalty == 1) {
            return out;
        }
        boolean[] seen = new boolean[out.length];
        for (int i = 0; i < length; i++) {
            int id = history[i];
            if (!seen[id]) {
                seen[id] = true;
                out[id] = out[id] < 0 ? out[id] * penalty : out[id] / penalty;
            }
        }
        return out;
    }

    /** The first index of the largest logit. */
    static int argmax(double[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * The distribution the token is drawn from: softmax of {@code logits / temperature} over the
     * tokens top-k and top-p keep, zero elsewhere. Tokens tied with the last one kept are kept.
     */
    static double[] filteredProbabilities(double[] logits, Sampling s) {
        int v = logits.length;
        double[] scaled = new double[v];
        for (int i = 0; i < v; i++) {
            scaled[i] = logits[i] / s.temperature();
        }
        if (s.topK() > 0 && s.topK() < v) {
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            double kth = sorted[v - s.topK()];
            for (int i = 0; i < v; i++) {
                if (scaled[i] < kth) {
                    scaled[i] = Double.NEGATIVE_INFINITY;
                }
            }
        }
        double[] p = softmax(scaled);
        if (s.topP() < 1) {
            keepNucleus(p, s.topP());
        }
        return p;
    }

    private static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double value : x) {
            max = Math.max(max, value);
        }
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * Zeroes all but the smallest set of most likely tokens whose probability reaches
     * {@code topP} (at least one), then renormalises: Hugging Face's {@code TopPLogitsWarper}.
     */
    private static void keepNucleus(double[] p, double topP) {
        double[] descending = p.clone();
        Arrays.sort(descending);
        double cumulative = 0;
        double threshold = descending[descending.length - 1];
        for (int i = descending.length - 1; i >= 0; i--) {
            cumulative += descending[i];
            threshold = descending[i];
            if (cumulative >= topP) {
                break;
            }
        }
        double kept = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] < threshold) {
                p[i] = 0;
            }
            kept += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= kept;
        }
    }

    /** The token where the cumulative probability first exceeds {@code u} in [0, 1). */
    static int draw(double[] p, double u) {
        double c = 0;
        int last = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                last = i;
                c += p[i];
                if (u < c) {
                    return i;
                }
            }
        }
        return last;
    }
}
