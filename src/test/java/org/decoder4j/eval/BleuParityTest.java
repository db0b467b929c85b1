package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * BLEU against sacreBLEU 2.6.0 on the fixture of tools/fixtures/make_bleu_fixtures.py: sacreBLEU's
 * own test vectors and ours. Counts, totals and lengths must be equal; the score, precisions and
 * brevity penalty equal to {@value #TOLERANCE} (the same floating-point operations in the same
 * order, so only the last bits of log and exp may differ), far inside the 0.01 BLEU the issue
 * asks for.
 */
class BleuParityTest {

    /** Absolute, on sacreBLEU's 0-100 scale for scores and precisions. */
    static final double TOLERANCE = 1e-9;

    /** The coarsest tolerance of sacreBLEU's own suite (its sentence tests), for its stated values. */
    static final double SUITE_TOLERANCE = 1e-3;

    private static Stream<JsonNode> nodes(String key) {
        return StreamSupport.stream(BleuFixture.root().get(key).spliterator(), false);
    }

    static BleuScore ours(JsonNode c) {
        List<String> hypotheses = BleuFixture.strings(c.get("hypotheses"));
        List<List<String>> references = new ArrayList<>();
        c.get("references").forEach(stream -> references.add(BleuFixture.strings(stream)));
        if (c.get("kind").asText().equals("sentence")) {
            List<String> refs = references.stream().map(stream -> stream.get(0)).toList();
            return BleuFixture.configure(Bleu.sentence(), c.get("settings")).sentenceScore(hypotheses.get(0), refs);
        }
        return BleuFixture.configure(Bleu.corpus(), c.get("settings")).corpusScore(hypotheses, references);
    }

    static void sameScore(JsonNode want, BleuScore got) {
        assertEquals(BleuFixture.longs(want.get("counts")), got.counts(), "counts");
        assertEquals(BleuFixture.longs(want.get("totals")), got.totals(), "totals");
        assertEquals(want.get("sys_len").asLong(), got.sysLen(), "sys_len");
        assertEquals(want.get("ref_len").asLong(), got.refLen(), "ref_len");
        assertEquals(want.get("bp").asDouble(), got.bp(), TOLERANCE, "bp");
        for (int n = 0; n < got.precisions().size(); n++) {
            assertEquals(want.get("precisions").get(n).asDouble(), got.precisions().get(n), TOLERANCE,
                    "precision of " + (n + 1) + "-grams");
        }
        assertEquals(want.get("precisions").size(), got.precisions().size(), "number of precisions");
        assertEquals(want.get("score").asDouble(), got.score(), TOLERANCE, "score");
    }

    @TestFactory
    Stream<DynamicTest> scoresEqualSacreBleus() {
        return nodes("cases").map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            BleuScore got = ours(c);
            sameScore(c.get("expected"), got);
            if (!c.get("suite_value").isNull()) {
                assertEquals(c.get("suite_value").asDouble(), got.score(), SUITE_TOLERANCE, "value of sacreBLEU's suite");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> scoresFromStatisticsEqualSacreBleus() {
        return nodes("statistics").map(c -> DynamicTest.dynamicTest(c.get("name").asText(), () -> {
            BleuStatistics s = new BleuStatistics(c.get("sys_len").asLong(), c.get("ref_len").asLong(),
                    BleuFixture.longs(c.get("counts")), BleuFixture.longs(c.get("totals")));
            BleuScore got = BleuFixture.configure(Bleu.corpus(), c.get("settings")).score(s);
            sameScore(c.get("expected"), got);
            assertEquals(c.get("suite_value").asDouble(), got.score(), SUITE_TOLERANCE, "value of sacreBLEU's suite");
        }));
    }

    @Test
    void fixtureHasEveryCase() {
        assertEquals("2.6.0", BleuFixture.root().get("sacrebleu_version").asText());
        assertEquals(56, BleuFixture.root().get("cases").size());
        assertEquals(7, BleuFixture.root().get("statistics").size());
        assertTrue(nodes("cases").filter(c -> !c.get("suite_value").isNull()).count() >= 19, "suite vectors");
    }

    /** The factories alone, with no setting applied, are sacreBLEU's corpus_bleu and sentence_bleu. */
    @Test
    void defaultsAreSacreBleus() {
        JsonNode readme = find("suite_readme_default");
        List<List<String>> refs = new ArrayList<>();
        readme.get("references").forEach(s -> refs.add(BleuFixture.strings(s)));
        sameScore(readme.get("expected"), Bleu.corpus().corpusScore(BleuFixture.strings(readme.get("hypotheses")), refs));

        JsonNode sentence = find("suite_sentence_exp");
        sameScore(sentence.get("expected"), Bleu.sentence().sentenceScore(sentence.get("hypotheses").get(0).asText(),
                List.of(sentence.get("references").get(0).get(0).asText())));

        // A corpus of short segments: without the effective order sacreBLEU's corpus_bleu gives 0.
        JsonNode shortSegments = find("ours_short_segments_no_4grams");
        List<List<String>> shortRefs = new ArrayList<>();
        shortSegments.get("references").forEach(s -> shortRefs.add(BleuFixture.strings(s)));
        sameScore(shortSegments.get("expected"),
                Bleu.corpus().corpusScore(BleuFixture.strings(shortSegments.get("hypotheses")), shortRefs));
    }

    /** Statistics of separate segments add up to those of the corpus. */
    @Test
    void corpusStatisticsAreTheSumOfSegmentStatistics() {
        JsonNode c = find("ours_random_50_three_references");
        List<String> hyps = BleuFixture.strings(c.get("hypotheses"));
        List<List<String>> refs = new ArrayList<>();
        c.get("references").forEach(s -> refs.add(BleuFixture.strings(s)));
        Bleu bleu = Bleu.corpus();
        long sys = 0;
        long ref = 0;
        long[] counts = new long[4];
        long[] totals = new long[4];
        for (int i = 0; i < hyps.size(); i++) {
            int k = i;
            BleuStatistics s = bleu.statistics(List.of(hyps.get(i)), refs.stream().map(r -> List.of(r.get(k))).toList());
            sys += s.sysLen();
            ref += s.refLen();
            for (int n = 0; n < 4; n++) {
                counts[n] += s.counts().get(n);
                totals[n] += s.totals().get(n);
            }
        }
        BleuStatistics whole = bleu.statistics(hyps, refs);
        assertEquals(whole.sysLen(), sys);
        assertEquals(whole.refLen(), ref);
        for (int n = 0; n < 4; n++) {
            assertEquals(whole.counts().get(n), counts[n]);
            assertEquals(whole.totals().get(n), totals[n]);
        }
        sameScore(c.get("expected"), bleu.score(whole));
    }

    static JsonNode find(String name) {
        return nodes("cases").filter(c -> c.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no fixture case " + name));
    }
}
