package org.decoder4j.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * BLEU (Papineni et al., 2002) as sacreBLEU 2.x computes it, with sacreBLEU's defaults: the
 * {@code 13a} tokenizer, n-grams up to order 4, the brevity penalty against the reference closest
 * in length to each hypothesis (the shorter one on a tie), and {@code exp} smoothing. Corpus BLEU
 * adds the statistics of all segments before scoring; sentence BLEU scores one segment and, as
 * sacreBLEU's {@code sentence_bleu}, uses the effective order (it averages only over the orders
 * the hypothesis is long enough to have). Scores are on sacreBLEU's scale, 0 to 100.
 *
 * <pre>{@code
 * List<String> hypotheses = List.of("The dog bit the man.", "It wasn't surprising.");
 * List<List<String>> references = List.of(                  // one stream per reference,
 *         List.of("The dog bit the man.", "It was not unexpected."),         // parallel to
 *         List.of("The dog had bit the man.", "No one was surprised."));     // the hypotheses
 * BleuScore corpus = Bleu.corpus().corpusScore(hypotheses, references);
 * BleuScore one = Bleu.sentence().sentenceScore("It wasn't surprising.",
 *         List.of("It was not unexpected.", "No one was surprised."));
 * BleuScore raw = Bleu.corpus().tokenizer(BleuTokenizer.NONE).corpusScore(hypotheses, references);
 * }</pre>
 *
 * <p>Instances are immutable; each setting returns a new one.
 */
public final class Bleu {

    /** sacreBLEU's largest n-gram order. */
    public static final int DEFAULT_MAX_ORDER = 4;

    /** What sacreBLEU puts for the logarithm of a zero precision. */
    private static final double LOG_OF_ZERO = -9999999999.0;

    private final BleuTokenizer tokenizer;
    private final BleuSmoothing smoothing;
    private final boolean effectiveOrder;
    private final int maxOrder;

    private Bleu(BleuTokenizer tokenizer, BleuSmoothing smoothing, boolean effectiveOrder, int maxOrder) {
        this.tokenizer = tokenizer;
        this.smoothing = smoothing;
        this.effectiveOrder = effectiveOrder;
        this.maxOrder = maxOrder;
    }

    /**
     * sacreBLEU's {@code corpus_bleu}: 13a, order 4, exp smoothing, no effective order.
     *
     * @return the corpus-level scorer
     */
    public static Bleu corpus() {
        return new Bleu(BleuTokenizer.MTEVAL_13A, BleuSmoothing.exp(), false, DEFAULT_MAX_ORDER);
    }

    /**
     * sacreBLEU's {@code sentence_bleu}: as {@link #corpus()}, with the effective order.
     *
     * @return the sentence-level scorer
     */
    public static Bleu sentence() {
        return new Bleu(BleuTokenizer.MTEVAL_13A, BleuSmoothing.exp(), true, DEFAULT_MAX_ORDER);
    }

    /**
     * The tokenizer applied to hypotheses and references.
     *
     * @param tokenizer 13a, none, ...
     * @return the new scorer
     */
    public Bleu tokenizer(BleuTokenizer tokenizer) {
        if (tokenizer == null) {
            throw new IllegalArgumentException("BLEU tokenizer is null");
        }
        return new Bleu(tokenizer, smoothing, effectiveOrder, maxOrder);
    }

    /**
     * The smoothing of zero n-gram counts.
     *
     * @param smoothing none, exp or floor
     * @return the new scorer
     */
    public Bleu smoothing(BleuSmoothing smoothing) {
        if (smoothing == null) {
            throw new IllegalArgumentException("BLEU smoothing is null");
        }
        return new Bleu(tokenizer, smoothing, effectiveOrder, maxOrder);
    }

    /**
     * With {@code true}, the geometric mean runs only over the orders up to the last one with a
     * non-zero total, so that a hypothesis shorter than the max order can score above zero.
     *
     * @param effectiveOrder whether to use the effective order
     * @return the new scorer
     */
    public Bleu effectiveOrder(boolean effectiveOrder) {
        return new Bleu(tokenizer, smoothing, effectiveOrder, maxOrder);
    }

    /**
     * The largest n-gram order, at least 1 (default 4).
     *
     * @param maxOrder the largest order, {@code >= 1}
     * @return the new scorer
     */
    public Bleu maxOrder(int maxOrder) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("BLEU max n-gram order must be >= 1, got " + maxOrder);
        }
        return new Bleu(tokenizer, smoothing, effectiveOrder, maxOrder);
    }

    /**
     * The tokenizer applied to hypotheses and references.
     *
     * @return the tokenizer
     */
    public BleuTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The smoothing of zero n-gram counts.
     *
     * @return the smoothing
     */
    public BleuSmoothing smoothing() {
        return smoothing;
    }

    /**
     * Whether the effective order is used.
     *
     * @return true with the effective order
     */
    public boolean effectiveOrder() {
        return effectiveOrder;
    }

    /**
     * The largest n-gram order.
     *
     * @return the order
     */
    public int maxOrder() {
        return maxOrder;
    }

    /**
     * Corpus BLEU of {@code hypotheses} against one or more reference streams, each stream holding
     * one reference per hypothesis, in the same order (sacreBLEU's layout).
     *
     * @throws IllegalArgumentException when there are no hypotheses or no reference streams, a
     *                                  stream's length differs from the hypotheses', or a segment is null
     * @param hypotheses one hypothesis per segment
     * @param references reference streams, each with one reference per hypothesis
     * @return the score and its statistics
     */
    public BleuScore corpusScore(List<String> hypotheses, List<List<String>> references) {
        return score(statistics(hypotheses, references));
    }

    /**
     * Sentence BLEU of one hypothesis against its references. Use {@link #sentence()} for
     * sacreBLEU's {@code sentence_bleu}; {@link #corpus()} would score a short hypothesis 0.
     *
     * @param hypothesis the hypothesis
     * @param references its references, at least one
     * @return the score and its statistics
     */
    public BleuScore sentenceScore(String hypothesis, List<String> references) {
        if (references == null || references.isEmpty()) {
            throw new IllegalArgumentException("BLEU needs at least one reference, got none");
        }
        List<List<String>> streams = new ArrayList<>();
        for (String r : references) {
            streams.add(Collections.singletonList(r));
        }
        return corpusScore(Collections.singletonList(hypothesis), streams);
    }

    /**
     * The statistics of {@link #corpusScore}, to add up over several calls or to score later.
     *
     * @param hypotheses one hypothesis per segment
     * @param references reference streams, each with one reference per hypothesis
     * @return the n-gram counts and lengths
     */
    public BleuStatistics statistics(List<String> hypotheses, List<List<String>> references) {
        check(hypotheses, references);
        long sysLen = 0;
        long refLen = 0;
        long[] counts = new long[maxOrder];
        long[] totals = new long[maxOrder];
        for (int i = 0; i < hypotheses.size(); i++) {
            List<List<String>> refTokens = new ArrayList<>();
            List<Integer> refLengths = new ArrayList<>();
            for (List<String> stream : references) {
                List<String> tokens = tokens(stream.get(i));
                refTokens.add(tokens);
                refLengths.add(tokens.size());
            }
            List<String> hyp = tokens(hypotheses.get(i));
            sysLen += hyp.size();
            refLen += closestLength(hyp.size(), refLengths);
            for (int n = 1; n <= maxOrder; n++) {                            // one order in memory at a time
                NgramCounts refNgrams = null;
                for (List<String> tokens : refTokens) {
                    NgramCounts ngrams = NgramCounts.of(tokens, n);
                    refNgrams = refNgrams == null ? ngrams : refNgrams.max(ngrams);
                }
                for (Map.Entry<List<String>, Integer> e : NgramCounts.of(hyp, n).asMap().entrySet()) {
                    totals[n - 1] += e.getValue();
                    counts[n - 1] += Math.min(e.getValue(), refNgrams.count(e.getKey()));
                }
            }
        }
        return new BleuStatistics(sysLen, refLen, boxed(counts), boxed(totals));
    }

    /**
     * The score from statistics, with this instance's smoothing and effective-order setting.
     *
     * @param s statistics from {@link #statistics}, possibly summed
     * @return the score
     */
    public BleuScore score(BleuStatistics s) {
        int orders = s.maxOrder();
        double bp = 1.0;
        if (s.sysLen() < s.refLen()) {
            bp = s.sysLen() > 0 ? Math.exp(1 - (double) s.refLen() / s.sysLen()) : 0.0;
        }
        double[] precisions = new double[orders];
        if (s.counts().stream().allMatch(c -> c == 0)) {
            return new BleuScore(0.0, s.counts(), s.totals(), boxed(precisions), bp, s.sysLen(), s.refLen());
        }
        double exponentialDecay = 1.0;
        int usedOrders = orders;
        for (int n = 1; n <= orders; n++) {
            long total = s.totals().get(n - 1);
            long count = s.counts().get(n - 1);
            if (total == 0) {
                break;
            }
            if (effectiveOrder) {
                usedOrders = n;
            }
            if (count == 0) {
                if (smoothing.method() == BleuSmoothing.Method.EXP) {
                    exponentialDecay *= 2;
                    precisions[n - 1] = 100.0 / (exponentialDecay * total);
                } else if (smoothing.method() == BleuSmoothing.Method.FLOOR) {
                    precisions[n - 1] = 100.0 * smoothing.value() / total;
                }
            } else {
                precisions[n - 1] = 100.0 * count / total;
            }
        }
        double logSum = 0;
        for (int n = 0; n < usedOrders; n++) {
            logSum += precisions[n] == 0.0 ? LOG_OF_ZERO : Math.log(precisions[n]);
        }
        double score = bp * Math.exp(logSum / usedOrders);
        return new BleuScore(score, s.counts(), s.totals(), boxed(precisions), bp, s.sysLen(), s.refLen());
    }

    /**
     * sacreBLEU's signature of these settings for {@code references} references per segment,
     * without its version field: {@code nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp}.
     *
     * @param references the references per segment
     * @return the signature
     */
    public String signature(int references) {
        return "nrefs:" + references + "|case:mixed|eff:" + (effectiveOrder ? "yes" : "no")
                + "|tok:" + tokenizer.sacreBleuName() + "|smooth:" + smoothing.signature();
    }

    private List<String> tokens(String segment) {
        return PythonWhitespace.split(tokenizer.tokenize(segment));
    }

    /** The reference length nearest the hypothesis length; the shorter of two equally near. */
    private static int closestLength(int hypLength, List<Integer> refLengths) {
        int best = -1;
        for (int len : refLengths) {
            int diff = Math.abs(hypLength - len);
            if (best < 0 || diff < Math.abs(hypLength - best) || (diff == Math.abs(hypLength - best) && len < best)) {
                best = len;
            }
        }
        return best;
    }

    private static void check(List<String> hypotheses, List<List<String>> references) {
        if (hypotheses == null || hypotheses.isEmpty()) {
            throw new IllegalArgumentException("BLEU needs at least one hypothesis, got none");
        }
        if (references == null || references.isEmpty()) {
            throw new IllegalArgumentException("BLEU needs at least one reference stream, got none");
        }
        for (int i = 0; i < hypotheses.size(); i++) {
            if (hypotheses.get(i) == null) {
                throw new IllegalArgumentException("hypothesis " + (i + 1) + " is null");
            }
        }
        for (int r = 0; r < references.size(); r++) {
            List<String> stream = references.get(r);
            if (stream == null) {
                throw new IllegalArgumentException("reference stream " + (r + 1) + " is null");
            }
            if (stream.size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream " + (r + 1) + " has " + stream.size()
                        + " segments, but there are " + hypotheses.size() + " hypotheses");
            }
            for (int i = 0; i < stream.size(); i++) {
                if (stream.get(i) == null) {
                    throw new IllegalArgumentException("reference " + (i + 1) + " of stream " + (r + 1) + " is null");
                }
            }
        }
    }

    private static List<Long> boxed(long[] values) {
        List<Long> list = new ArrayList<>(values.length);
        for (long v : values) {
            list.add(v);
        }
        return list;
    }

    private static List<Double> boxed(double[] values) {
        List<Double> list = new ArrayList<>(values.length);
        for (double v : values) {
            list.add(v);
        }
        return list;
    }
}
