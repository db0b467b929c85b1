package org.decoder4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An open safetensors file: the header is read and validated on opening, tensors are loaded one
 * at a time on request. Close it to release the file handle; loaded arrays stay valid.
 *
 * <pre>{@code
 * try (SafeTensorsFile file = SafeTensors.open(Path.of("out/final/model.safetensors"))) {
 *     TensorInfo first = file.tensors().get(0);          // e.g. "wte.weight F32[65, 128] @[0, 33280)"
 *     INDArray wte = file.load("wte.weight");
 *     String format = file.metadata().get("format");      // "pt" for files saved by PyTorch
 * }
 * }</pre>
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** Headers larger than this are treated as corrupt rather than allocated. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, FileChannel channel, long dataStart, SafeTensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        Map<String, TensorInfo> byName = new LinkedHashMap<>();
        for (TensorInfo t : header.tensors()) {
            byName.put(t.name(), t);
        }
        this.tensors = Collections.unmodifiableMap(byName);
        this.metadata = header.metadata();
    }

    /**
     * Opens a file and validates its header.
     *
     * @throws NoSuchFileException if the file does not exist
     * @throws SafeTensorsFormatException if it is not a well-formed safetensors file
     * @param file a safetensors file
     * @return the open file, to be closed by the caller
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "safetensors file not found");
        }
        try {
            long size = channel.size();
            if (size < 8) {
                throw new SafeTensorsFormatException(file + ": file is " + size
                        + " bytes, too short for the 8-byte header length that starts a safetensors file");
            }
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, prefix, 0);
            long headerLength = prefix.getLong(0);
            if (headerLength < 0 || headerLength > size - 8) {
                throw new SafeTensorsFormatException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " (bytes 0-7) is larger than the " + (size - 8) + " bytes that follow it");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new SafeTensorsFormatException(file + ": header length " + headerLength
                        + " exceeds the " + MAX_HEADER_BYTES + "-byte limit; the file is probably corrupt");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            SafeTensorsHeader header = SafeTensorsHeader.parse(headerBytes.array(), size - 8 - headerLength,
                    file.toString());
            return new SafeTensorsFile(file, channel, 8 + headerLength, header);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            int n = channel.read(into, position + into.position());
            if (n < 0) {
                throw new SafeTensorsFormatException("unexpected end of file at byte " + (position + into.position()));
            }
        }
    }

    /**
     * The file this was opened from.
     *
     * @return the file's path
     */
    public Path path() {
        return file;
    }

    /**
     * Tensor names in file order (ascending data offset).
     *
     * @return the names, unmodifiable
     */
    public Set<String> names() {
        return tensors.keySet();
    }

    /**
     * Every tensor's header entry, in file order.
     *
     * @return the header entries, unmodifiable
     */
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors.values());
    }

    /**
     * Whether the file holds a tensor of this name.
     *
     * @param name a tensor name
     * @return true if there is such a tensor
     */
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * One tensor's header entry.
     *
     * @throws SafeTensorsFormatException if there is no tensor of that name
     * @param name a tensor name
     * @return its name, dtype, shape and data range
     */
    public TensorInfo info(String name) throws SafeTensorsFormatException {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new SafeTensorsFormatException(file + ": no tensor named '" + name + "' (the file holds "
                    + tensors.size() + " tensors" + (tensors.isEmpty() ? "" : ", e.g. '"
                    + tensors.keySet().iterator().next() + "'") + ")");
        }
        return t;
    }

    /**
     * The {@code __metadata__} map of the header; empty if it has none.
     *
     * @return the metadata, unmodifiable
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Loads one tensor into a new ND4J array (F16 and BF16 become FLOAT).
     *
     * @throws SafeTensorsFormatException if there is no tensor of that name
     * @param name a tensor name
     * @return a new array holding the tensor
     */
    public INDArray load(String name) throws IOException {
        TensorInfo t = info(name);
        return TensorDecoder.decode(channel, dataStart + t.dataBegin(), t, file.toString());
    }

    /**
     * Loads every tensor, in file order.
     *
     * @return the tensors by name
     * @throws IOException if the file cannot be read
     */
    public Map<String, INDArray> loadAll() throws IOException {
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (String name : tensors.keySet()) {
            all.put(name, load(name));
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
