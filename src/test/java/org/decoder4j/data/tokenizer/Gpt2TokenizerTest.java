package org.decoder4j.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.decoder4j.testdata.TinyShakespeare;

/**
 * GPT-2's BPE, both as JTokkit's encoding ({@link Gpt2Tokenizer}) and as GPT-2's Hugging Face
 * vocab.json + merges.txt read by {@link BpeTokenizer}, against ids computed by tiktoken.
 */
class Gpt2TokenizerTest {


    @TempDir
    static Path huggingFaceDir;

    static BpeTokenizer fromFiles;

    @BeforeAll
    static void writeHuggingFaceFiles() throws IOException {
        Gpt2HuggingFaceFiles.write(huggingFaceDir);
        fromFiles = BpeTokenizer.load(huggingFaceDir);
    }

    static Stream<Tokenizer> tokenizers() {
        return Stream.of(Gpt2Tokenizer.standard(), fromFiles);
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void vocabularyAndEndOfText(Tokenizer tok) {
        assertEquals(50257, tok.vocabSize());
        assertEquals(50256, TiktokenFixture.GPT2.get("eot").intValue());
        assertEquals(Map.of("<|endoftext|>", 50256), tok.specialTokens());
        assertEquals("<|endoftext|>", tok.decode(new int[] {50256}));
        assertArrayEquals(new int[] {15496, 995}, tok.encode("Hello world"));
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void hardCasesGiveTiktokensIds(Tokenizer tok) {
        for (JsonNode c : TiktokenFixture.GPT2.get("cases")) {
            String name = c.get("name").textValue();
            String text = c.get("text").textValue();
            int[] ordinary = TiktokenFixture.ids(c.get("ordinary"));
            assertArrayEquals(ordinary, tok.encode(text), name + ", encode_ordinary");
            assertArrayEquals(TiktokenFixture.ids(c.get("all_special")), tok.encodeWithSpecialTokens(text),
                    name + ", encode with all special tokens allowed");
            assertEquals(text, tok.decode(ordinary), name + ", decode");
        }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void partialDecodesEndAsTiktokensDo(Tokenizer tok) {
        for (JsonNode c : TiktokenFixture.GPT2.get("partial_decodes")) {
            int[] ids = TiktokenFixture.ids(c.get("ids"));
            JsonNode prefixes = c.get("prefixes");
            assertEquals(ids.length + 1, prefixes.size());
            for (int k = 0; k <= ids.length; k++) {
                assertEquals(prefixes.get(k).textValue(), tok.decode(Arrays.copyOf(ids, k)),
                        c.get("name").textValue() + ", first " + k + " ids");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void arbitraryIdsDecodeAndReencodeStably(Tokenizer tok) {
        JsonNode c = TiktokenFixture.GPT2.get("arbitrary_ids");
        String decoded = tok.decode(TiktokenFixture.ids(c.get("ids")));
        assertEquals(c.get("decoded").textValue(), decoded);
        int[] again = tok.encode(decoded);
        assertArrayEquals(TiktokenFixture.ids(c.get("reencoded_ordinary")), again);
        assertEquals(decoded, tok.decode(again));

        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int[] ids = random.ints(1 + random.nextInt(40), 0, 50257).toArray();
            String text = tok.decode(ids);
            int[] reencoded = tok.encodeWithSpecialTokens(text);
            assertEquals(text, tok.decode(reencoded), "trial " + trial);
            assertArrayEquals(reencoded, tok.encodeWithSpecialTokens(tok.decode(reencoded)), "trial " + trial);
        }
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void tinyShakespeareGivesTiktokensIds(Tokenizer tok) throws IOException {
        String text = Files.readString(TinyShakespeare.path());
        JsonNode expected = TiktokenFixture.GPT2.get("tinyshakespeare");
        assertEquals(expected.get("characters").intValue(), text.codePointCount(0, text.length()));
        int split = expected.get("split_character").intValue();          // all ASCII: chars are code points
        assertSummary(expected.get("whole"), tok.encode(text));
        assertSummary(expected.get("train"), tok.encode(text.substring(0, split)));
        assertSummary(expected.get("val"), tok.encode(text.substring(split)));
    }

    private static void assertSummary(JsonNode expected, int[] ids) {
        assertEquals(expected.get("count").intValue(), ids.length);
        assertArrayEquals(TiktokenFixture.ids(expected.get("first")), Arrays.copyOf(ids, 16));
        assertArrayEquals(TiktokenFixture.ids(expected.get("last")), Arrays.copyOfRange(ids, ids.length - 16, ids.length));
        assertEquals(expected.get("sha256_uint16le").textValue(), TiktokenFixture.sha256Uint16(ids));
    }

    @ParameterizedTest
    @MethodSource("tokenizers")
    void idsOutsideTheVocabularyAreNamed(Tokenizer tok) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tok.decode(new int[] {11, 50257}));
        assertEquals(true, e.getMessage().startsWith("token 50257 at index 1 is outside"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
    }

    @Test
    void savedAndLoadedByType(@TempDir Path dir) throws IOException {
        Gpt2Tokenizer.standard().save(dir);
        assertEquals("{\"type\":\"gpt2\"}", Files.readString(dir.resolve("tokenizer.json")));
        assertInstanceOf(Gpt2Tokenizer.class, Tokenizer.load(dir));
    }

    @Test
    void aModelDirectoryWithVocabAndMergesNeedsNothingElse() throws IOException {
        Tokenizer tok = Tokenizer.load(huggingFaceDir);
        assertInstanceOf(BpeTokenizer.class, tok);
        assertEquals(50000, ((BpeTokenizer) tok).mergeCount());
        assertArrayEquals(new int[] {15496, 995}, tok.encode("Hello world"));
    }

    @Test
    void aHuggingFaceTokenizerJsonBesideThePairIsNoObstacle(@TempDir Path dir) throws IOException {
        Files.copy(huggingFaceDir.resolve("vocab.json"), dir.resolve("vocab.json"));
        Files.copy(huggingFaceDir.resolve("merges.txt"), dir.resolve("merges.txt"));
        // the head of the tokenizers library's file in a downloaded GPT-2 directory
        Files.writeString(dir.resolve("tokenizer.json"),
                "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
                        + "\"pre_tokenizer\":{\"type\":\"ByteLevel\"},\"model\":{\"type\":\"BPE\",\"vocab\":{},\"merges\":[]}}");
        Tokenizer tok = Tokenizer.load(dir);
        assertInstanceOf(BpeTokenizer.class, tok);
        assertArrayEquals(new int[] {15496, 995}, tok.encode("Hello world"));

        Files.delete(dir.resolve("merges.txt"));
        IOException e = assertThrows(IOException.class, () -> Tokenizer.load(dir));
        assertTrue(e.getMessage().contains("Hugging Face tokenizers file") && e.getMessage().contains("merges.txt"),
                e.getMessage());
    }

    @Test
    void savingWritesTheFilesItWasReadFrom(@TempDir Path dir) throws IOException {
        fromFiles.save(dir);
        assertEquals(Files.readString(huggingFaceDir.resolve("merges.txt")), Files.readString(dir.resolve("merges.txt")));
        assertEquals(TokenizerFile.JSON.readTree(huggingFaceDir.resolve("vocab.json").toFile()),
                TokenizerFile.JSON.readTree(dir.resolve("vocab.json").toFile()));
        Tokenizer again = Tokenizer.load(dir);
        assertInstanceOf(BpeTokenizer.class, again);
        String text = "Ünïcödé 🦀 <|endoftext|> it's  done\n\n";
        assertArrayEquals(Gpt2Tokenizer.standard().encodeWithSpecialTokens(text), again.encodeWithSpecialTokens(text));
    }

}
