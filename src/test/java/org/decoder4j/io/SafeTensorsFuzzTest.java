package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mutated safetensors files: each either fails with an IOException naming the file, or loads
 * exactly what its header says (every tensor the shape and bytes of its entry).
 */
class SafeTensorsFuzzTest {

    private static Path dir;
    private static byte[] original;
    private static int headerEnd;

    /** What to do to the file: overwrite a byte, insert or delete text in the header, or truncate. */
    record Mutation(int kind, int position, byte value, String text) {
    }

    @BeforeContainer
    static void writeOriginal() throws IOException {
        dir = Files.createTempDirectory("safetensors-fuzz");
        Map<String, INDArray> tensors = new LinkedHashMap<>();
        tensors.put("w", Nd4j.createFromArray(new float[][] {{1, 2, 3}, {4, 5, 6}}));
        tensors.put("b", Nd4j.createFromArray(new float[] {7, 8}).castTo(DataType.HALF));
        tensors.put("ids", Nd4j.createFromArray(new long[] {1L << 40, -3}));
        Path file = dir.resolve("original.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));
        original = Files.readAllBytes(file);
        headerEnd = 8 + (int) ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @AfterContainer
    static void clean() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<String> snippets = Arbitraries.of("}", "}}xx", "{", "\"", ",", ":", "[", "]", "-1", "1e9",
                "99999999999999999999", "null", "\"dtype\"", "\"F64\"", "\"shape\":[]", "\"data_offsets\":[0,0]",
                "\\u0000", "\u00e9", " ", "0", "true", "\"__metadata__\":{}");
        return Combinators.combine(Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 10_000),
                Arbitraries.bytes(), snippets).as(Mutation::new);
    }

    private static byte[] apply(Mutation m) {
        byte[] b = original.clone();
        int inHeader = 8 + m.position() % (headerEnd - 8);
        switch (m.kind()) {
            case 0 -> b[m.position() % headerEnd] = m.value();                    // any header or length byte
            case 1 -> {                                                             // insert text in the header
                byte[] text = m.text().getBytes(StandardCharsets.UTF_8);
                b = splice(b, inHeader, 0, text);
            }
            case 2 -> b = splice(b, inHeader, Math.min(3, headerEnd - inHeader), new byte[0]);   // delete
            case 3 -> b = Arrays.copyOf(b, m.position() % b.length);              // truncate
            default -> {                                                            // replace header text, keep length
                byte[] text = m.text().getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < text.length && inHeader + i < headerEnd; i++) {
                    b[inHeader + i] = text[i];
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    @Property(tries = 800)
    void aMutatedFileFailsClearlyOrLoadsExactly(@ForAll("mutations") Mutation m) throws IOException {
        Path file = dir.resolve("mutated.safetensors");
        byte[] bytes = apply(m);
        Files.write(file, bytes);
        Map<String, INDArray> loaded;
        SafeTensorsFile opened;
        try {
            opened = SafeTensors.open(file);
            loaded = opened.loadAll();
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().startsWith(file.toString()),
                    "the message names the file: " + e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
            return;
        }
        int length = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, length, StandardCharsets.UTF_8).stripTrailing();
        assertTrue(header.endsWith("}"), "a header that loads is one object and spaces: " + header);
        new com.fasterxml.jackson.databind.ObjectMapper()
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(header);
        try (SafeTensorsFile f = opened) {
            long dataStart = bytes.length - f.tensors().stream().mapToLong(TensorInfo::dataEnd).max().orElse(0);
            for (TensorInfo t : f.tensors()) {
                INDArray a = loaded.get(t.name());
                assertArrayEquals(t.shape(), a.shape(), t.name());
                byte[] expected = Arrays.copyOfRange(bytes, (int) (dataStart + t.dataBegin()),
                        (int) (dataStart + t.dataEnd()));
                Path again = dir.resolve("again.safetensors");
                SafeTensors.write(again, Map.of(t.name(), a), Map.of());
                try (SafeTensorsFile back = SafeTensors.open(again)) {
                    if (back.info(t.name()).dtype() == t.dtype()) {
                        byte[] all = Files.readAllBytes(again);
                        byte[] written = Arrays.copyOfRange(all, all.length - expected.length, all.length);
                        assertArrayEquals(expected, written, "tensor " + t.name() + " loads its bytes exactly");
                    }
                }
            }
        }
    }

    @Example
    void theUnmutatedFileLoadsExactly() throws IOException {
        Path file = dir.resolve("same.safetensors");
        Files.write(file, original);
        Map<String, INDArray> loaded = SafeTensors.read(file);
        assertEquals(Nd4j.createFromArray(new long[] {1L << 40, -3}), loaded.get("ids"));
    }
}
