package org.decoder4j.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Picks a token id from one row of logits under a {@link Sampling} policy. */
final class TokenChooser {

    private TokenChooser() {
    }

    static int choose(double[] logits, Sampling s, SplittableRandom random) {
        int v = logits.length;
        if (s.temperature() == 0) {
            int best = 0;
            for (int i = 1; i < v; i++) {
                if (logits[i] > logits[best]) {
                    best = i;
                }
            }
            return best;
        }
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
        double max = Double.NEGATIVE_INFINITY;
        for (double x : scaled) {
            max = Math.max(max, x);
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp(scaled[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < v; i++) {
            p[i] /= sum;
        }
        if (s.topP() < 1) {
            Integer[] order = new Integer[v];
            for (int i = 0; i < v; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            double cumulative = 0;
            boolean[] keep = new boolean[v];
            for (Integer i : order) {
                keep[i] = true;
                cumulative += p[i];
                if (cumulative >= s.topP()) {
                    break;
                }
            }
            double kept = 0;
            for (int i = 0; i < v; i++) {
                if (!keep[i]) {
                    p[i] = 0;
                }
                kept += p[i];
            }
            for (int i = 0; i < v; i++) {
                p[i] /= kept;
            }
        }
        double u = random.nextDouble();
        double c = 0;
        int last = 0;
        for (int i = 0; i < v; i++) {
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
