package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.decoder4j.tensor.NoGrad;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The cached forward pass against the full one on a small random float32 model: after the
 * prompt prefill, after each single-token step up to the full context, for two rows at once, and
 * for a chunk fed after cached positions. Tolerance: max |cached − full| ≤ 1e-5 on logits whose
 * largest magnitude the test checks is well above that.
 */
class KvCacheTest {

    private static final double TOLERANCE = 1e-5;

    private final GPT model = GPT.builder()
            .vocabSize(37).contextLength(16).layers(3).heads(4).embeddingSize(32).seed(11).build();

    KvCacheTest() {
        model.eval();
    }

    /** Reproducible token ids {@code [rows, length]} in the vocabulary. */
    private static INDArray tokens(int rows, int length, long seed) {
        long[][] ids = new long[rows][length];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        for (long[] row : ids) {
            for (int i = 0; i < length; i++) {
                row[i] = random.nextInt(37);
            }
        }
        return Nd4j.createFromArray(ids);
    }

    private static INDArray columns(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }

    private static INDArray positions(INDArray logits, long from, long to) {
        return logits.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    @Test
    void prefillThenSingleStepsMatchTheFullForwardAtEveryPosition() {
        INDArray ids = tokens(2, 16, 5);                                        // (2, 16)
        try (NoGrad ignored = NoGrad.enter(); KvCache cache = KvCache.forModel(model, 2)) {
            INDArray full = model.forward(ids).value();                         // (2, 16, 37)
            assertTrue(full.amaxNumber().doubleValue() > 0.05, "logits too small for the check to mean anything");
            int prompt = 5;
            INDArray prefill = model.forwardCached(columns(ids, 0, prompt), cache).value();  // (2, 5, 37)
            assertEquals(prompt, cache.length());
            double worst = maxDifference(prefill, positions(full, 0, prompt));
            assertTrue(worst <= TOLERANCE, "prefill differs by " + worst);
            for (int t = prompt; t < 16; t++) {
                INDArray step = model.forwardCached(columns(ids, t, t + 1), cache).value();  // (2, 1, 37)
                double d = maxDifference(step, positions(full, t, t + 1));
                assertTrue(d <= TOLERANCE, "position " + t + " differs by " + d);
            }
            assertEquals(16, cache.length());
        }
    }

    @Test
    void aChunkAfterCachedPositionsMatchesTheFullForward() {
        INDArray ids = tokens(1, 12, 8);
        try (NoGrad ignored = NoGrad.enter(); KvCache cache = KvCache.forModel(model, 1)) {
            INDArray full = model.forward(ids).value();
            model.forwardCached(columns(ids, 0, 4), cache);
            INDArray chunk = model.forwardCached(columns(ids, 4, 12), cache).value();  // (1, 8, 37)
            double d = maxDifference(chunk, positions(full, 4, 12));
            assertTrue(d <= TOLERANCE, "chunk differs by " + d);
        }
    }

    @Test
    void aClearedCacheRefilledWithACroppedWindowMatchesTheFullForwardOnThatWindow() {
        INDArray ids = tokens(1, 20, 9);
        try (NoGrad ignored = NoGrad.enter(); KvCache cache = KvCache.forModel(model, 1)) {
            model.forwardCached(columns(ids, 0, 16), cache);
            cache.clear();
            INDArray window = columns(ids, 4, 20);                              // the last 16 tokens
            INDArray refilled = model.forwardCached(window, cache).value();
            double d = maxDifference(refilled, model.forward(window).value());
            assertTrue(d <= TOLERANCE, "refilled window differs by " + d);
        }
    }

    @Test
    void decodeStepGivesTheFullForwardsLogitsForBothActivations() {
        GPT exactGelu = GPT.builder().vocabSize(37).contextLength(16).layers(2).heads(4).embeddingSize(32)
                .activation(Activation.GELU_EXACT).seed(12).build();
        exactGelu.eval();
        for (GPT m : new GPT[] {model, exactGelu}) {
            INDArray ids = tokens(1, 10, 13);                                   // (1, 10)
            try (NoGrad ignored = NoGrad.enter(); KvCache cache = KvCache.forModel(m, 1)) {
                INDArray full = m.forward(ids).value();                         // (1, 10, 37)
                m.forwardCached(columns(ids, 0, 3), cache);
                for (int t = 3; t < 10; t++) {
                    float[] step = m.decodeStep(new int[] {ids.getInt(0, t)}, cache);   // (37)
                    INDArray expected = positions(full, t, t + 1).reshape(37);
                    double d = maxDifference(Nd4j.createFromArray(step), expected);
                    assertTrue(d <= TOLERANCE, m.config().activation() + ", position " + t + " differs by " + d);
                }
                assertEquals(10, cache.length());
            }
        }
    }

    @Test
    void decodeStepRefusesTokensOutsideTheVocabularyAndAFullCache() {
        try (KvCache cache = KvCache.forModel(model, 1)) {
            IllegalArgumentException outside = assertThrows(IllegalArgumentException.class,
                    () -> model.decodeStep(new int[] {37}, cache));
            assertTrue(outside.getMessage().contains("outside the vocabulary"), outside.getMessage());
            assertEquals(0, cache.length());
            model.forwardCached(tokens(1, 16, 1), cache);
            IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                    () -> model.decodeStep(new int[] {1}, cache));
            assertTrue(full.getMessage().contains("context length 16"), full.getMessage());
        }
    }

    @Test
    void misuseIsRefusedWithTheReason() {
        try (KvCache cache = KvCache.forModel(model, 1)) {
            model.forwardCached(tokens(1, 16, 1), cache);
            IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                    () -> model.forwardCached(tokens(1, 1, 2), cache));
            assertTrue(full.getMessage().contains("context length 16"), full.getMessage());
            IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
                    () -> model.forwardCached(tokens(2, 1, 2), cache));
            assertTrue(batch.getMessage().contains("batch size 1"), batch.getMessage());
            model.train(true);
            IllegalStateException training = assertThrows(IllegalStateException.class,
                    () -> model.forwardCached(tokens(1, 1, 2), cache));
            assertTrue(training.getMessage().contains("eval()"), training.getMessage());
        } finally {
            model.eval();
        }
        assertThrows(IllegalArgumentException.class, () -> KvCache.forModel(model, 0));
    }
}
