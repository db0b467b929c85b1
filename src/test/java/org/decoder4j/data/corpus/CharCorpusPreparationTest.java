package org.decoder4j.data.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.data.tokens.TokenDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.TinyShakespeare;

class CharCorpusPreparationTest {


    @TempDir
    Path dir;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void tinyShakespeareMatchesNanoGptByteForByte() throws Exception {
        PreparedCorpus c = CharCorpusPreparation.prepare(TinyShakespeare.path(), dir);

        assertEquals(65, c.vocabSize());
        assertEquals(1_115_394, c.characters());
        assertEquals(1_003_854, c.trainTokens());
        assertEquals(111_540, c.valTokens());
        // SHA-256 of the train.bin and val.bin written by nanoGPT's data/shakespeare_char/prepare.py
        assertEquals("6ec305602a99ac2802745a134e1f5e33e2231b4855525b00b9aebb730ac2626f", sha256(c.trainFile()));
        assertEquals("d37d30cc0c8327c270d493299c3dca54135f6d5f1c9ef60cda78076e311204b1", sha256(c.valFile()));

        Tokenizer tok = Tokenizer.load(dir);
        assertEquals(65, tok.vocabSize());
        assertEquals("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                String.join("", ((CharTokenizer) tok).vocabulary()));
        TokenDataset train = TokenDataset.open(c.trainFile());
        TokenDataset val = TokenDataset.open(c.valFile());
        assertEquals(1_003_854, train.size());
        assertEquals(18, train.get(0));                                     // 'F' of "First Citizen"
        assertEquals(12, val.get(0));
        train.checkVocabulary(tok.vocabSize());
        assertEquals(64, train.maxToken());
        assertEquals(List.of(Path.of("tokenizer.json"), Path.of("train.bin"), Path.of("val.bin")),
                listing());
    }

    @Test
    void textIsReadAsPythonReadsIt() throws IOException {
        Path input = dir.resolve("in.txt");
        // CRLF and lone CR become LF; "é" is two bytes but one character; U+1F600 is four bytes, one character
        Files.write(input, "ab\r\nc\ré\uD83D\uDE00aaaaaa".getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("out");
        PreparedCorpus c = CharCorpusPreparation.prepare(input, out);
        assertEquals(13, c.characters());                                   // "ab\nc\né😀aaaaaa"
        assertEquals(6, c.vocabSize());                                     // \n a b c é 😀
        assertEquals(11, c.trainTokens());                                  // int(13 * 0.9)
        assertEquals(2, c.valTokens());
        // ids: \n=0 a=1 b=2 c=3 é=4 😀=5
        assertArrayEquals(new byte[] {1, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 5, 0, 1, 0, 1, 0, 1, 0, 1, 0},
                Files.readAllBytes(c.trainFile()));
        assertArrayEquals(new byte[] {1, 0, 1, 0}, Files.readAllBytes(c.valFile()));
    }

    @Test
    void badInputIsRefusedAndNothingIsWritten() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path out = dir.resolve("out");
        IOException e1 = assertThrows(IOException.class, () -> CharCorpusPreparation.prepare(empty, out));
        assertEquals(empty + " is empty; there is nothing to train on", e1.getMessage());

        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'a', 'b', 'c', (byte) 0xE9, 'd'});
        IOException e2 = assertThrows(IOException.class, () -> CharCorpusPreparation.prepare(latin1, out));
        assertEquals(latin1 + " is not valid UTF-8: 1 bad byte(s) at byte offset 3", e2.getMessage());

        Path one = Files.writeString(dir.resolve("one.txt"), "x");
        assertThrows(IOException.class, () -> CharCorpusPreparation.prepare(one, out));

        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> CharCorpusPreparation.prepare(dir.resolve("absent.txt"), out));
        assertEquals(List.of(), Files.exists(out) ? listing(out) : List.of());
    }

    private List<Path> listing() throws IOException {
        return listing(dir);
    }

    private static List<Path> listing(Path d) throws IOException {
        try (var files = Files.list(d)) {
            return files.map(Path::getFileName).sorted().toList();
        }
    }
}
