package org.decoder4j.data.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
import org.decoder4j.data.tokenizer.TiktokenFixture;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokens.TokenFileFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.TinyShakespeare;

class CorpusPreparationTest {


    @TempDir
    Path dir;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void gpt2OnTinyShakespeareGivesNanoGptsTokenFiles() throws Exception {
        Path shakespeare = TinyShakespeare.path();
        JsonNode expected = TiktokenFixture.GPT2.get("tinyshakespeare");
        // Whole-text chunks, and chunks of ~10,000 characters cut where pre-tokenisation allows.
        for (int chunk : new int[] {4 << 20, 10_000}) {
            Path out = dir.resolve("gpt2-" + chunk);
            List<String> stages = new ArrayList<>();
            PreparedCorpus c = CorpusPreparation.with(Gpt2Tokenizer.standard()).chunkChars(chunk)
                    .progress((stage, done, total) -> {
                        if (stages.isEmpty() || !stages.get(stages.size() - 1).equals(stage)) {
                            stages.add(stage);
                        }
                    })
                    .prepare(shakespeare, out);
            assertEquals(List.of("reading", "encoding"), stages);
            assertEquals(50257, c.vocabSize());
            assertEquals(1_115_394, c.characters());
            assertEquals(301_966, c.trainTokens());                 // nanoGPT's data/shakespeare/readme.md
            assertEquals(36_059, c.valTokens());
            // nanoGPT's train.bin / val.bin are these ids as raw uint16: tiktoken's digests of them
            assertEquals(expected.get("train").get("sha256_uint16le").textValue(), sha256(c.trainFile()));
            assertEquals(expected.get("val").get("sha256_uint16le").textValue(), sha256(c.valFile()));
            assertEquals(TokenFileFormat.UINT16, TokenDataset.open(c.trainFile()).format());
            assertInstanceOf(Gpt2Tokenizer.class, Tokenizer.load(out));
        }
    }

    @Test
    void charactersInSmallChunksStillMatchNanoGpt() throws Exception {
        Path shakespeare = TinyShakespeare.path();
        PreparedCorpus c = CorpusPreparation.characters().chunkChars(777).prepare(shakespeare, dir);
        assertEquals(65, c.vocabSize());
        // SHA-256 of the train.bin and val.bin written by nanoGPT's data/shakespeare_char/prepare.py
        assertEquals("6ec305602a99ac2802745a134e1f5e33e2231b4855525b00b9aebb730ac2626f", sha256(c.trainFile()));
        assertEquals("d37d30cc0c8327c270d493299c3dca54135f6d5f1c9ef60cda78076e311204b1", sha256(c.valFile()));
    }

    /** Text built to put awkward places (runs of spaces, contractions, 4-byte characters) everywhere. */
    private static String awkwardText(int length, long seed) {
        String[] parts = {" ", "  ", "\n", "\n\n", "\t", "a", "bc", "'s", "'ll", "'", "7", "42", "é", "日本", "\uD83E\uDD80",
            "!", "?!", ".", "x ", " y", "\r\n", "\u00a0", "\u3000", "The", " end"};
        Random random = new Random(seed);
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            text.append(parts[random.nextInt(parts.length)]);
        }
        return text.toString();
    }

    @Test
    void chunkingGivesTheIdsOfTheWholeText() throws Exception {
        String text = awkwardText(60_000, 11);
        Path input = Files.writeString(dir.resolve("awkward.txt"), text);
        String read = text.replace("\r\n", "\n");                        // universal newlines
        int n = read.codePointCount(0, read.length());
        int splitChar = read.offsetByCodePoints(0, (int) (n * 0.9));
        Tokenizer gpt2 = Gpt2Tokenizer.standard();
        int[] train = gpt2.encode(read.substring(0, splitChar));
        int[] val = gpt2.encode(read.substring(splitChar));
        for (int chunk : new int[] {50, 333, 4096}) {
            PreparedCorpus c = CorpusPreparation.with(gpt2).chunkChars(chunk).prepare(input, dir.resolve("c" + chunk));
            assertEquals(n, c.characters());
            assertArrayEquals(train, ids(TokenDataset.open(c.trainFile())), "chunks of " + chunk);
            assertArrayEquals(val, ids(TokenDataset.open(c.valFile())), "chunks of " + chunk);
        }
    }

    private static int[] ids(TokenDataset d) {
        long[] all = new long[(int) d.size()];
        d.copy(0, all, 0, all.length);
        int[] ids = new int[all.length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) all[i];
        }
        return ids;
    }

    @Test
    void uint32FilesHoldTheSameIds() throws Exception {
        String text = awkwardText(5_000, 3);
        Path input = Files.writeString(dir.resolve("in.txt"), text);
        PreparedCorpus small = CorpusPreparation.with(Gpt2Tokenizer.standard()).prepare(input, dir.resolve("u16"));
        PreparedCorpus wide = CorpusPreparation.with(Gpt2Tokenizer.standard()).format(TokenFileFormat.UINT32)
                .prepare(input, dir.resolve("u32"));
        TokenDataset a = TokenDataset.open(small.trainFile());
        TokenDataset b = TokenDataset.open(wide.trainFile());
        assertEquals(TokenFileFormat.UINT16, a.format());
        assertEquals(TokenFileFormat.UINT32, b.format());
        assertArrayEquals(ids(a), ids(b));
        assertEquals(16 + 4 * b.size(), Files.size(wide.trainFile()));
        byte[] header = java.util.Arrays.copyOf(Files.readAllBytes(wide.trainFile()), 16);
        assertArrayEquals(new byte[] {'D', '4', 'J', 'T', 'O', 'K', '3', '2', 4, 0, 0, 0, 0, 0, 0, 0}, header);
        assertEquals(a.maxToken(), b.maxToken());
    }

    @Test
    void truncatedUint32FilesAreRefused() throws Exception {
        byte[] header = {'D', '4', 'J', 'T', 'O', 'K', '3', '2', 4, 0, 0, 0, 0, 0, 0, 0};
        Path headerOnly = Files.write(dir.resolve("header.bin"), header);
        assertEquals(headerOnly + " is a uint32 token file that holds no tokens",
                assertThrows(IOException.class, () -> TokenDataset.open(headerOnly)).getMessage());
        byte[] cut = java.util.Arrays.copyOf(header, 22);                // one id and two bytes of the next
        Path truncated = Files.write(dir.resolve("cut.bin"), cut);
        assertEquals(truncated + " is a uint32 token file of 22 bytes, which is not its 16-byte header and whole "
                + "4-byte ids: it is truncated", assertThrows(IOException.class, () -> TokenDataset.open(truncated))
                .getMessage());
        // Without the header the same bytes are 11 raw uint16 ids.
        byte[] raw = java.util.Arrays.copyOf(header, 22);
        raw[0] = 'd';
        assertEquals(11, TokenDataset.open(Files.write(dir.resolve("raw.bin"), raw)).size());
    }

    @Test
    void aVocabularyBeyondUint16IsWrittenAsUint32OrRefused() throws Exception {
        // 70,000 distinct characters: CJK and the supplementary ideographs
        StringBuilder text = new StringBuilder();
        for (int cp = 0x4E00, k = 0; k < 70_000; cp++) {
            if (Character.isLetter(cp)) {
                text.appendCodePoint(cp);
                k++;
            }
        }
        Path input = Files.writeString(dir.resolve("many.txt"), text);
        Path refused = dir.resolve("refused");
        IOException e = assertThrows(IOException.class,
                () -> CorpusPreparation.characters().format(TokenFileFormat.UINT16).prepare(input, refused));
        assertEquals(input + ": a vocabulary of 70000 tokens has ids up to 69999, which do not fit in uint16 "
                + "token files (ids up to 65535); use uint32", e.getMessage());
        assertTrue(!Files.exists(refused));

        PreparedCorpus c = CorpusPreparation.characters().prepare(input, dir.resolve("wide"));
        assertEquals(70_000, c.vocabSize());
        TokenDataset train = TokenDataset.open(c.trainFile());
        assertEquals(TokenFileFormat.UINT32, train.format());
        assertEquals(62_999, train.maxToken());                         // ids are ranks: the first 63,000 of 70,000
        assertEquals(69_999, TokenDataset.open(c.valFile()).maxToken());
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() throws Exception {
        Path out = dir.resolve("out");
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        assertEquals(empty + " is empty; there is nothing to train on", assertThrows(IOException.class,
                () -> CorpusPreparation.with(Gpt2Tokenizer.standard()).prepare(empty, out)).getMessage());

        // A bad byte beyond the first read buffer (1 MiB): its offset is still the file's
        byte[] bytes = new byte[1_500_000];
        java.util.Arrays.fill(bytes, (byte) 'a');
        bytes[1_234_567] = (byte) 0xFF;
        Path bad = Files.write(dir.resolve("bad.txt"), bytes);
        assertEquals(bad + " is not valid UTF-8: 1 bad byte(s) at byte offset 1234567", assertThrows(IOException.class,
                () -> CorpusPreparation.trainingBpe(300).prepare(bad, out)).getMessage());

        Path truncated = Files.write(dir.resolve("truncated.txt"), "abc\uD83D\uDE00".substring(0, 4)
                .getBytes(StandardCharsets.UTF_8));
        truncated = Files.write(truncated, new byte[] {'a', 'b', (byte) 0xF0, (byte) 0x9F, (byte) 0x98});
        Path t = truncated;
        assertEquals(t + " is not valid UTF-8: 3 bad byte(s) at byte offset 2", assertThrows(IOException.class,
                () -> CorpusPreparation.with(Gpt2Tokenizer.standard()).prepare(t, out)).getMessage());

        Path missing = dir.resolve("absent.txt");
        assertThrows(NoSuchFileException.class, () -> CorpusPreparation.characters().prepare(missing, out));
        assertTrue(!Files.exists(out));
    }
}
