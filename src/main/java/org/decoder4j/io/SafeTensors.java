package org.decoder4j.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * format: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape
 * and byte range, then the raw little-endian tensor data.
 *
 * <pre>{@code
 * SafeTensors.write(Path.of("out/model.safetensors"), Map.of("wte.weight", wte), Map.of("format", "pt"));
 * Map<String, INDArray> weights = SafeTensors.read(Path.of("out/model.safetensors"));
 *
 * // half the size on disk: FLOAT arrays stored as bfloat16 (read back as FLOAT)
 * SafeTensors.write(path, weights, Map.of(), SafeTensorsDtype.BF16);
 * }</pre>
 *
 * <p>Files are written with tensors in sorted-name order and contiguous data, the header padded
 * with spaces to a multiple of 8 bytes, to a temporary file that is renamed over the target only
 * when complete.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {
    }

    /**
     * Loads every tensor of a file, in file order (ascending data offset).
     *
     * @throws SafeTensorsFormatException if the file is not well-formed
     * @param file a safetensors file
     * @return the tensors by name
     */
    public static Map<String, INDArray> read(Path file) throws IOException {
        try (SafeTensorsFile f = open(file)) {
            return f.loadAll();
        }
    }

    /**
     * Opens a file for inspecting its header and loading tensors one by one.
     *
     * @throws SafeTensorsFormatException if the header is not well-formed
     * @param file a safetensors file
     * @return the open file, to be closed by the caller
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        return SafeTensorsFile.open(file);
    }

    /**
     * Writes tensors, each in the dtype matching its ND4J type (FLOAT as F32, LONG as I64, ...).
     *
     * @param metadata string pairs for the header's {@code __metadata__}; omitted when empty
     * @throws IllegalArgumentException for a null or reserved name, or an ND4J type with no dtype
     * @param file the file to write, atomically
     * @param tensors the tensors by name, written in the map's order
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata)
            throws IOException {
        write(file, tensors, metadata, SafeTensorsDtype.F32);
    }

    /**
     * Writes tensors, storing FLOAT arrays as {@code floatStorage} (F32, F16 or BF16, rounding to
     * nearest even); arrays of other types keep the dtype matching their ND4J type.
     *
     * @param file the file to write, atomically
     * @param tensors the tensors by name, written in the map's order
     * @param metadata string pairs for the header's {@code __metadata__}; omitted when empty
     * @param floatStorage F32, F16 or BF16
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, Map<String, INDArray> tensors, Map<String, String> metadata,
                             SafeTensorsDtype floatStorage) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(metadata, "metadata");
        if (floatStorage != SafeTensorsDtype.F32 && floatStorage != SafeTensorsDtype.F16
                && floatStorage != SafeTensorsDtype.BF16) {
            throw new IllegalArgumentException("FLOAT arrays can be stored as F32, F16 or BF16, not " + floatStorage);
        }
        // Everything is checked and the header built before the file is touched.
        Map<String, INDArray> sorted = new TreeMap<>();
        for (Map.Entry<String, INDArray> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || e.getValue() == null) {
                throw new IllegalArgumentException("tensor " + (name == null ? "with a null name" : "'" + name
                        + "' is null") + " cannot be written to " + file);
            }
            if (name.equals(SafeTensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException("tensor name '" + name + "' is reserved for metadata");
            }
            if (e.getValue().length() > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor '" + name + "' has " + e.getValue().length()
                        + " elements, more than can be written here");
            }
            sorted.put(name, e.getValue());
        }
        List<SafeTensorsDtype> dtypes = new ArrayList<>();
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach((k, v) -> meta.put(Objects.requireNonNull(k, "metadata key"),
                    Objects.requireNonNull(v, () -> "metadata value for '" + k + "'")));
        }
        long offset = 0;
        for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
            INDArray array = e.getValue();
            DataType type = array.dataType();
            SafeTensorsDtype dtype = type == DataType.FLOAT ? floatStorage : storedAs(type, e.getKey());
            long bytes = array.length() * dtype.byteSize();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.code());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(array.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
            dtypes.add(dtype);
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        try (AtomicWrite out = AtomicWrite.to(file)) {
            FileChannel channel = out.channel();
            try {
                out.write(head);
                int i = 0;
                for (INDArray array : sorted.values()) {
                    TensorEncoder.write(array, dtypes.get(i++), channel);
                }
            } catch (IOException e) {
                throw out.named(e);                                          // a full disk names no file
            }
            out.commit();
        }
    }

    private static SafeTensorsDtype storedAs(DataType type, String name) {
        try {
            return SafeTensorsDtype.storing(type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("tensor '" + name + "': " + e.getMessage(), e);
        }
    }
}
