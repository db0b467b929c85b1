package org.decoder4j.data.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.decoder4j.data.batch.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenDatasetTest {

    @TempDir
    Path dir;

    @Test
    void readsLittleEndianUint16Files() throws IOException {
        Path file = dir.resolve("train.bin");
        // 1, 258 (0x0102), 65535, 0 as little-endian uint16
        Files.write(file, new byte[] {1, 0, 2, 1, (byte) 0xFF, (byte) 0xFF, 0, 0});
        TokenDataset data = TokenDataset.open(file);
        assertEquals(4, data.size());
        assertEquals(1, data.get(0));
        assertEquals(258, data.get(1));
        assertEquals(65535, data.get(2));
        assertEquals(0, data.get(3));
        assertEquals(65535, data.maxToken());
        long[] window = new long[5];
        data.copy(1, window, 2, 3);
        assertArrayEquals(new long[] {0, 0, 258, 65535, 0}, window);
        IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class, () -> data.get(4));
        assertEquals("token index 4 outside [0, 4) of " + file, past.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> data.copy(2, window, 0, 3));
    }

    @Test
    void writerProducesWhatTheDatasetReads() throws IOException {
        Path file = dir.resolve("val.bin");
        TokenFileWriter.write(file, new int[] {7, 0, 50256, 65535});
        assertArrayEquals(new byte[] {7, 0, 0, 0, 0x50, (byte) 0xC4, (byte) 0xFF, (byte) 0xFF},
                Files.readAllBytes(file));
        TokenDataset data = TokenDataset.open(file);
        assertEquals(50256, data.get(2));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> TokenFileWriter.write(file, new int[] {1, 65536}));
        assertEquals("token 65536 at index 1 does not fit in uint16 (0..65535)", wide.getMessage());
        assertEquals(8, Files.size(file));                                   // untouched by the refused write
    }

    @Test
    void badFilesAreNamedWithTheirSize() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        IOException e1 = assertThrows(IOException.class, () -> TokenDataset.open(empty));
        assertEquals(empty + " is empty; a token file holds uint16 token ids, 2 bytes each", e1.getMessage());

        Path odd = dir.resolve("odd.bin");
        Files.write(odd, new byte[] {1, 0, 2});
        IOException e2 = assertThrows(IOException.class, () -> TokenDataset.open(odd));
        assertEquals(odd + " has 3 bytes, an odd number; a token file holds uint16 token ids, 2 bytes each, "
                + "so it is truncated or not a token file", e2.getMessage());

        NoSuchFileException e3 = assertThrows(NoSuchFileException.class,
                () -> TokenDataset.open(dir.resolve("absent.bin")));
        assertEquals(dir.resolve("absent.bin") + ": token file not found", e3.getMessage());
    }

    @Test
    void vocabularyCheckNamesTheFirstOffendingToken() {
        TokenDataset data = TokenDataset.of(new int[] {3, 64, 65, 2, 70});
        assertEquals(70, data.maxToken());
        data.checkVocabulary(71);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> data.checkVocabulary(65));
        assertEquals("in-memory tokens: token 65 at index 2 is outside the vocabulary of 65 (ids 0..64)",
                e.getMessage());
    }

    @Test
    void inMemoryDataMustFitUint16() {
        assertThrows(IllegalArgumentException.class, () -> TokenDataset.of(new int[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenDataset.of(new int[] {0, -1}));
        assertEquals("token -1 at index 1 does not fit in uint16 (0..65535)", e.getMessage());
    }

    @Test
    void filesLargerThanTwoGigabytesAreReadAcrossSegments() throws IOException {
        Path file = dir.resolve("large.bin");
        long tokens = (5L << 29) / 2 + 3;                                    // 2.5 GiB + 6 bytes, sparse
        long boundary = 1L << 29;                                            // first token of segment 1
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(2 * tokens);
            raf.seek(2 * (boundary - 1));
            raf.write(new byte[] {11, 0, 12, 0});
            raf.seek(2 * (tokens - 1));
            raf.write(new byte[] {(byte) 0xE9, (byte) 0xFD});                // 65001
        }
        TokenDataset data = TokenDataset.open(file);
        assertEquals(tokens, data.size());
        assertEquals(11, data.get(boundary - 1));
        assertEquals(12, data.get(boundary));
        assertEquals(65001, data.get(tokens - 1));
        long[] across = new long[4];
        data.copy(boundary - 2, across, 0, 4);
        assertArrayEquals(new long[] {0, 11, 12, 0}, across);
        Batch last = Batch.ofWindows(data, new long[] {tokens - 3}, 2);
        assertArrayEquals(new long[] {0, 65001}, last.targets().data().asLong());
    }
}
