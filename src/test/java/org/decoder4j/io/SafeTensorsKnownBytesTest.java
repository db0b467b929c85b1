package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The writer's output, byte for byte, for small files whose bytes are spelled out by hand. */
class SafeTensorsKnownBytesTest {

    @TempDir
    Path dir;

    @Test
    void oneFloatTensorWithoutMetadata() throws Exception {
        Path file = dir.resolve("x.safetensors");
        SafeTensors.write(file, Map.of("x", Nd4j.createFromArray(1f, 2f)), Map.of());

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // header: 54 bytes of JSON + 2 spaces = 56, as a little-endian u64
        expected.writeBytes(new byte[] {56, 0, 0, 0, 0, 0, 0, 0});
        expected.writeBytes("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  "
                .getBytes(StandardCharsets.US_ASCII));
        // 1.0f = 0x3F800000, 2.0f = 0x40000000, little-endian
        expected.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3F, 0, 0, 0, 0x40});

        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
    }

    @Test
    void metadataComesFirstAndTensorsAreSortedByName() throws Exception {
        Path file = dir.resolve("two.safetensors");
        INDArray b = Nd4j.create(new long[] {7}, new long[] {1}, DataType.INT64);
        INDArray a = Nd4j.create(new byte[] {5}, new long[] {}, DataType.UINT8);
        SafeTensors.write(file, Map.of("b", b, "a", a), Map.of("format", "pt"));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[0,1]},"
                + "\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[1,9]}}";
        assertEquals(136, json.length());                     // a multiple of 8: no padding
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {(byte) 136, 0, 0, 0, 0, 0, 0, 0});
        expected.writeBytes(json.getBytes(StandardCharsets.US_ASCII));
        expected.writeBytes(new byte[] {5, 7, 0, 0, 0, 0, 0, 0, 0});

        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
    }

    @Test
    void readsAHandMadeFileWithUnpaddedHeaderAndBf16() throws Exception {
        // A writer need not pad; BF16 0x3FC0 = 1.5, 0xC020 = -2.5
        String json = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,1],\"data_offsets\":[0,4]}}";
        byte[] header = json.getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(new byte[] {(byte) header.length, 0, 0, 0, 0, 0, 0, 0});
        bytes.writeBytes(header);
        bytes.writeBytes(new byte[] {(byte) 0xC0, 0x3F, 0x20, (byte) 0xC0});
        Path file = dir.resolve("bf16.safetensors");
        Files.write(file, bytes.toByteArray());

        INDArray w = SafeTensors.read(file).get("w");
        assertEquals(DataType.FLOAT, w.dataType());
        assertArrayEquals(new long[] {2, 1}, w.shape());
        assertArrayEquals(new float[] {1.5f, -2.5f}, w.data().asFloat());
    }
}
