package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way a safetensors file can be broken gets its own precise message, and nothing is allocated from it. */
class SafeTensorsCorruptInputTest {

    @TempDir
    Path dir;

    private Path file(long headerLength, String header, int dataBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[dataBytes]);
        Path path = dir.resolve("bad.safetensors");
        Files.write(path, out.toByteArray());
        return path;
    }

    private Path file(String header, int dataBytes) throws Exception {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, dataBytes);
    }

    private String failure(Path path) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(path));
        assertTrue(e.getMessage().startsWith(path.toString()), "message names the file: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String expected, String message) {
        assertTrue(message.contains(expected), "expected \"" + expected + "\" in: " + message);
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws Exception {
        Path path = dir.resolve("short.safetensors");
        Files.write(path, new byte[] {1, 2, 3, 4, 5});
        assertContains("file is 5 bytes, too short for the 8-byte header length", failure(path));
    }

    @Test
    void headerLengthBeyondTheFile() throws Exception {
        assertContains("header length 1000 (bytes 0-7) is larger than the 12 bytes that follow it",
                failure(file(1000, "{}", 10)));
        assertContains("header length 18446744073709551615 (bytes 0-7) is larger than",
                failure(file(-1, "{}", 10)));
    }

    @Test
    void absurdHeaderLengthIsRefusedWithoutAllocating() throws Exception {
        Path path = dir.resolve("huge.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw")) {
            raf.setLength(300L << 20);                           // sparse: costs no disk
            raf.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(200L << 20).array());
        }
        assertContains("header length 209715200 exceeds the 104857600-byte limit", failure(path));
    }

    @Test
    void headerThatIsNotJsonOrNotAnObject() throws Exception {
        assertContains("header is not valid JSON", failure(file("{\"x\":", 0)));
        assertContains("header must be a JSON object, found array", failure(file("[1, 2]  ", 0)));
        assertContains("Duplicate field 'x'", failure(file(
                "{\"x\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]},"
                        + "\"x\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]}}", 1)));
        assertContains("__metadata__ value for 'step' must be a string, found 5",
                failure(file("{\"__metadata__\":{\"step\":5}}", 0)));
    }

    @Test
    void unknownDtypeIsNamedWithItsTensor() throws Exception {
        assertContains("tensor 'emb': unsupported dtype \"F8_E4M3\"",
                failure(file("{\"emb\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2)));
    }

    @Test
    void malformedShapesAndOffsets() throws Exception {
        assertContains("tensor 'w': \"shape\" element 1 must be a non-negative integer, found -2",
                failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1,-2],\"data_offsets\":[0,8]}}", 8)));
        assertContains("tensor 'w': missing or non-array \"data_offsets\"",
                failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8)));
        assertContains("tensor 'w': data_offsets [8, 0] end before they begin",
                failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8)));
        assertContains("tensor 'w': shape [1099511627776, 1099511627776] is too large",
                failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1099511627776,1099511627776],"
                        + "\"data_offsets\":[0,8]}}", 8)));
    }

    @Test
    void shapeThatDoesNotMatchTheByteRange() throws Exception {
        assertContains("tensor 'w': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] span 8",
                failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8)));
    }

    @Test
    void offsetsOutsideTheDataRegion() throws Exception {
        assertContains("tensor 'w': data_offsets [0, 8] reach beyond the data region, which is 4 bytes",
                failure(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4)));
    }

    @Test
    void overlappingTensors() throws Exception {
        assertContains("tensor 'b' at bytes [4, 12) overlaps tensor 'a' at bytes [0, 8)",
                failure(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12)));
    }

    @Test
    void gapsAndUncoveredTrailingBytes() throws Exception {
        assertContains("gap of 4 bytes in the data region at bytes [4, 8) before tensor 'b'",
                failure(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12)));
        assertContains("data region is 10 bytes but the tensors cover only [0, 4)",
                failure(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 10)));
    }

    @Test
    void contentAfterTheHeaderObjectIsRefusedWithItsOffset() throws Exception {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        String message = failure(file(header + "}}xx", 4));
        assertContains("header is not valid JSON", message);
        assertContains("file byte offset " + (8 + header.length()), message);
        assertContains("header byte " + header.length(), message);
        assertContains("file byte offset", failure(file(header + "  {}", 4)));
        assertEquals(1, SafeTensors.read(file(header + "    ", 4)).size(), "space padding is allowed");
    }

    @Test
    void missingTensorAndMissingFile() throws Exception {
        Path path = file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
        try (SafeTensorsFile f = SafeTensors.open(path)) {
            SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> f.load("b"));
            assertEquals(path + ": no tensor named 'b' (the file holds 1 tensors, e.g. 'a')", e.getMessage());
        }
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> SafeTensors.read(dir.resolve("absent.safetensors")));
        assertContains("absent.safetensors", missing.getMessage());
    }
}
