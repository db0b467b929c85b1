package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SafeTensorsRoundTripTest {

    @TempDir
    Path dir;

    @Test
    void everyDtypeRoundTripsWithValuesShapesAndTypes() throws Exception {
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("f64", Nd4j.create(new double[] {Math.PI, -1e300, 0}, new long[] {3}, DataType.DOUBLE));
        tensors.put("f32", Nd4j.create(new float[] {1.5f, -2f, 3.25f, 1e-30f, 7f, 8f}, new long[] {2, 3}, DataType.FLOAT));
        tensors.put("i64", Nd4j.create(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE, 42}, new long[] {2, 2}, DataType.INT64));
        tensors.put("i32", Nd4j.create(new int[] {Integer.MIN_VALUE, -1, 65536}, new long[] {1, 3}, DataType.INT32));
        tensors.put("i16", Nd4j.create(new short[] {Short.MIN_VALUE, 300}, new long[] {2}, DataType.INT16));
        tensors.put("i8", Nd4j.create(new byte[] {-128, 127}, new long[] {2}, DataType.INT8));
        tensors.put("u8", Nd4j.create(new byte[] {(byte) 200, 1}, new long[] {2}, DataType.UINT8));
        tensors.put("bool", Nd4j.create(new boolean[] {true, false, true}, new long[] {3}, DataType.BOOL));
        tensors.put("half", Nd4j.create(new float[] {0.5f, -65504f}, new long[] {2}, DataType.FLOAT).castTo(DataType.HALF));
        tensors.put("bf16", Nd4j.create(new float[] {1.5f, -3f}, new long[] {2}, DataType.FLOAT).castTo(DataType.BFLOAT16));
        Path file = dir.resolve("all.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt", "note", "ünïcode ✓"));

        Map<String, INDArray> back = SafeTensors.read(file);
        // file order is data order, which the writer makes sorted-name order
        assertEquals(List.of("bf16", "bool", "f32", "f64", "half", "i16", "i32", "i64", "i8", "u8"),
                List.copyOf(back.keySet()));
        for (String name : List.of("f64", "f32", "i64", "i32", "i16", "i8", "u8", "bool")) {
            INDArray original = tensors.get(name);
            INDArray loaded = back.get(name);
            assertEquals(original.dataType(), loaded.dataType(), name);
            assertArrayEquals(original.shape(), loaded.shape(), name);
            assertEquals(original, loaded, name);
        }
        assertArrayEquals(new double[] {Math.PI, -1e300, 0}, back.get("f64").data().asDouble());
        assertArrayEquals(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE, 42}, back.get("i64").data().asLong());
        assertArrayEquals(new int[] {200, 1}, back.get("u8").data().asInt());
        // HALF and BFLOAT16 arrays are stored as F16/BF16 and come back as exact FLOAT values
        assertEquals(DataType.FLOAT, back.get("half").dataType());
        assertArrayEquals(new float[] {0.5f, -65504f}, back.get("half").data().asFloat());
        assertArrayEquals(new float[] {1.5f, -3f}, back.get("bf16").data().asFloat());

        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(Map.of("format", "pt", "note", "ünïcode ✓"), f.metadata());
            assertEquals(SafeTensorsDtype.F16, f.info("half").dtype());
            assertEquals(SafeTensorsDtype.BF16, f.info("bf16").dtype());
            TensorInfo f32 = f.info("f32");
            assertEquals(SafeTensorsDtype.F32, f32.dtype());
            assertArrayEquals(new long[] {2, 3}, f32.shape());
            assertEquals(24, f32.byteLength());
            assertEquals(Nd4j.create(new float[] {1.5f, -2f, 3.25f, 1e-30f, 7f, 8f}, new long[] {2, 3},
                    DataType.FLOAT), f.load("f32"));
        }
    }

    @Test
    void floatArraysCanBeStoredAsF16OrBf16WithRounding() throws Exception {
        INDArray w = Nd4j.create(new float[] {1f, 0.1f, 70000f, -1e-9f}, new long[] {2, 2}, DataType.FLOAT);
        Path f16 = dir.resolve("f16.safetensors");
        Path bf16 = dir.resolve("bf16.safetensors");
        SafeTensors.write(f16, Map.of("w", w), Map.of(), SafeTensorsDtype.F16);
        SafeTensors.write(bf16, Map.of("w", w), Map.of(), SafeTensorsDtype.BF16);

        assertEquals(8 + 56 + 4 * 2, Files.size(f16));              // 56-byte header, two bytes per element
        INDArray h = SafeTensors.read(f16).get("w");
        assertEquals(DataType.FLOAT, h.dataType());
        assertArrayEquals(new long[] {2, 2}, h.shape());
        // 0.1 -> 0x2E66 = 0.0999755859375; 70000 overflows binary16; -1e-9 underflows to -0
        assertArrayEquals(new float[] {1f, 0.0999755859375f, Float.POSITIVE_INFINITY, -0f}, h.data().asFloat());
        // bfloat16 keeps float32's range with 8 bits of precision: 0.1 -> 0x3DCD, 70000 -> 0x4789 = 70144
        assertArrayEquals(new float[] {1f, 0.10009765625f, 70144f, -9.968061931431293e-10f},
                SafeTensors.read(bf16).get("w").data().asFloat());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(f16, Map.of("w", w), Map.of(), SafeTensorsDtype.I32));
    }

    @Test
    void viewsAreWrittenInRowMajorOrder() throws Exception {
        INDArray m = Nd4j.create(new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, 3}, DataType.FLOAT);
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, Map.of("t", m.transpose(), "row", m.getRow(1)), Map.of());
        Map<String, INDArray> back = SafeTensors.read(file);
        assertArrayEquals(new long[] {3, 2}, back.get("t").shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.get("t").data().asFloat());
        assertArrayEquals(new float[] {4, 5, 6}, back.get("row").data().asFloat());
    }

    @Test
    void scalarsAndEmptyTensorsRoundTrip() throws Exception {
        Path file = dir.resolve("edge.safetensors");
        INDArray scalar = Nd4j.create(new float[] {7f}, new long[] {}, DataType.FLOAT);
        INDArray empty = Nd4j.create(DataType.FLOAT, 0, 3);
        SafeTensors.write(file, Map.of("scalar", scalar, "empty", empty), Map.of());
        Map<String, INDArray> back = SafeTensors.read(file);
        assertEquals(0, back.get("scalar").rank());
        assertEquals(7f, back.get("scalar").getFloat(0));
        assertTrue(back.get("empty").isEmpty());
        assertArrayEquals(new long[] {0, 3}, back.get("empty").shape());
    }

    @Test
    void badTensorsAreRefusedBeforeTheTargetIsTouched() throws Exception {
        Path file = dir.resolve("keep.safetensors");
        SafeTensors.write(file, Map.of("x", Nd4j.createFromArray(1f, 2f)), Map.of());
        byte[] before = Files.readAllBytes(file);

        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () ->
                SafeTensors.write(file, Map.of("__metadata__", Nd4j.createFromArray(1f)), Map.of()));
        assertTrue(reserved.getMessage().contains("'__metadata__' is reserved"), reserved.getMessage());
        IllegalArgumentException utf8 = assertThrows(IllegalArgumentException.class, () ->
                SafeTensors.write(file, Map.of("ok", Nd4j.createFromArray(1f), "s", Nd4j.create(List.of("a"), 1)),
                        Map.of()));
        assertTrue(utf8.getMessage().startsWith("tensor 's': ND4J type UTF8"), utf8.getMessage());

        assertArrayEquals(before, Files.readAllBytes(file));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(file), listing.toList());                    // no temporary files left
        }
    }
}
