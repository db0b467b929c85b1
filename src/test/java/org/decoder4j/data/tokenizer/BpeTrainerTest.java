package org.decoder4j.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.decoder4j.data.corpus.CorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.TinyShakespeare;

class BpeTrainerTest {

    @TempDir
    Path dir;

    @Test
    void mergesTheMostFrequentPairFirst() throws IOException {
        // Pieces: "ab" x1, " ab" x2, " abc" x1. Pair counts: (a,b) 4, (' ',a) 3, (b,c) 1.
        // 1st merge a+b (4) = 256; then (' ',ab) 3 = 257; then (' ab',c) 1 = 258; nothing is left.
        BpeTokenizer tok = BpeTrainer.vocabularySize(300).train("ab ab ab abc");
        assertEquals(3, tok.mergeCount());
        assertEquals(260, tok.vocabSize());                               // stopped early: 256 + 3 + <|endoftext|>
        assertEquals(Map.of("<|endoftext|>", 259), tok.specialTokens());
        assertEquals("#version: 0.2\na b\n\u0120 ab\n\u0120ab c\n", new String(tok.mergesText(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertArrayEquals(new int[] {256, 257, 258}, tok.encode("ab ab abc"));
        assertArrayEquals(new int[] {256, 99, 259, 98, 97}, tok.encodeWithSpecialTokens("abc<|endoftext|>ba"));

        BpeTokenizer two = BpeTrainer.vocabularySize(259).train("ab ab ab abc");
        assertEquals(2, two.mergeCount());
        assertArrayEquals(new int[] {257, 256, 99}, two.encode(" ababc"));
    }

    @Test
    void equallyFrequentPairsGoInIdOrder() {
        // "ba" and "ab" each once in one piece "bab"... pairs (b,a) and (a,b): 1 each; (a,b) = (97,98) < (98,97)
        BpeTokenizer tok = BpeTrainer.vocabularySize(258).train("bab");
        assertArrayEquals(new int[] {98, 256}, tok.encode("bab"));
    }

    @Test
    void savedAsVocabAndMergesAndLoadedBack() throws IOException {
        String text = "It's the east, and Juliet is the sun!\n\nArise, fair sun, and kill the envious moon 123 456.";
        BpeTokenizer tok = BpeTrainer.vocabularySize(300).train(text);
        tok.save(dir);
        Tokenizer back = Tokenizer.load(dir);
        assertInstanceOf(BpeTokenizer.class, back);
        assertEquals(tok.vocabSize(), back.vocabSize());
        assertArrayEquals(tok.encode(text), back.encode(text));
        assertEquals(text, back.decode(back.encode(text)));
        String unseen = "Ünïcödé 🦀 text it never saw";
        assertEquals(unseen, back.decode(back.encode(unseen)));
        assertArrayEquals(Files.readAllBytes(dir.resolve("merges.txt")), tok.mergesText());
    }

    @Test
    void tooSmallAVocabularyIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpeTrainer.vocabularySize(256));
        assertEquals("a byte-level BPE vocabulary needs at least 257 tokens (256 bytes and <|endoftext|>), got 256",
                e.getMessage());
    }

    /** The reference trainer's merges (tools/fixtures/bpe/train_bpe_reference.mjs). */
    private static void assertMergesMatch(JsonNode expected, BpeTokenizer tok) throws Exception {
        int[][] pairs = tok.mergePairs();
        assertEquals(expected.get("merges").intValue(), pairs.length);
        JsonNode first = expected.get("first");
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(TiktokenFixture.ids(first.get(i)), pairs[i], "merge " + i);
        }
        JsonNode last = expected.get("last");
        for (int i = 0; i < last.size(); i++) {
            int k = pairs.length - last.size() + i;
            assertArrayEquals(TiktokenFixture.ids(last.get(i)), pairs[k], "merge " + k);
        }
        String lines = java.util.Arrays.stream(pairs).map(p -> p[0] + " " + p[1])
                .collect(java.util.stream.Collectors.joining("\n"));
        assertEquals(expected.get("sha256").textValue(), HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(lines.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void mergesAreTheReferenceTrainersOnAShakespearePrefix() throws Exception {
        Path shakespeare = TinyShakespeare.path();
        String text = Files.readString(shakespeare).substring(0, 100_000);
        BpeTokenizer tok = BpeTrainer.vocabularySize(512).train(text);
        assertEquals(512, tok.vocabSize());
        assertMergesMatch(REFERENCE.get("first_100000_characters_vocab_512"), tok);
    }

    @Test
    void tinyShakespeareWith4096Tokens() throws Exception {
        Path shakespeare = TinyShakespeare.path();
        PreparedCorpus c = CorpusPreparation.trainingBpe(4096).prepare(shakespeare, dir);
        assertEquals(4096, c.vocabSize());
        BpeTokenizer tok = (BpeTokenizer) Tokenizer.load(dir);
        assertEquals(3839, tok.mergeCount());
        assertMergesMatch(REFERENCE.get("training_split_vocab_4096"), tok);
        String text = Files.readString(shakespeare);
        int[] train = idsOf(TokenDataset.open(c.trainFile()));
        int[] val = idsOf(TokenDataset.open(c.valFile()));
        int split = (int) (text.length() * 0.9);
        assertEquals(text.substring(0, split), tok.decode(train));
        assertEquals(text.substring(split), tok.decode(val));
        // Tokens follow from the merges above; GPT-2 needs 301,966 + 36,059 (tiktoken).
        assertEquals(EXPECTED_TRAIN_TOKENS, c.trainTokens());
        assertEquals(EXPECTED_VAL_TOKENS, c.valTokens());
    }

    static final long EXPECTED_TRAIN_TOKENS = 307_607;                // measured
    static final long EXPECTED_VAL_TOKENS = 38_425;

    static final JsonNode REFERENCE = readReference();

    private static JsonNode readReference() {
        try (var in = BpeTrainerTest.class.getResourceAsStream("/fixtures/bpe/shakespeare.json")) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int[] idsOf(TokenDataset d) {
        long[] all = new long[(int) d.size()];
        d.copy(0, all, 0, all.length);
        return java.util.Arrays.stream(all).mapToInt(x -> (int) x).toArray();
    }
}
