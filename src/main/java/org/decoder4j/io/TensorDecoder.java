package org.decoder4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies one tensor's bytes from a memory-mapped file into a new ND4J array: the file is mapped
 * in chunks of at most 1 GiB, each chunk is copied in bulk into a Java array, and the array is
 * handed to ND4J in one call. F16 and BF16 are widened to float32 on the way.
 */
final class TensorDecoder {

    /** Bytes mapped at once; a multiple of every element size. */
    private static final long CHUNK_BYTES = 1L << 30;

    private TensorDecoder() {
    }

    /**
     * Reads the tensor at {@code [position, position + info.byteLength())} of the channel.
     *
     * @throws SafeTensorsFormatException if the tensor has more elements than a Java array holds
     */
    static INDArray decode(FileChannel channel, long position, TensorInfo info, String source) throws IOException {
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new SafeTensorsFormatException(source + ": tensor '" + info.name() + "' has " + count
                    + " elements, more than one array can be loaded with here");
        }
        int n = (int) count;
        long[] shape = info.shape();
        DataType type = info.dtype().loadedType();
        if (n == 0) {
            return Nd4j.create(type, shape);
        }
        return switch (info.dtype()) {
            case F64 -> {
                double[] v = new double[n];
                forEachChunk(channel, position, n, 8, (b, off, len) -> b.asDoubleBuffer().get(v, off, len));
                yield Nd4j.create(v, shape, type);
            }
            case F32 -> {
                float[] v = new float[n];
                forEachChunk(channel, position, n, 4, (b, off, len) -> b.asFloatBuffer().get(v, off, len));
                yield Nd4j.create(v, shape, type);
            }
            case F16, BF16 -> {
                float[] v = new float[n];
                boolean half = info.dtype() == SafeTensorsDtype.F16;
                forEachChunk(channel, position, n, 2, (b, off, len) -> {
                    for (int i = 0; i < len; i++) {
                        short bits = b.getShort(2 * i);
                        v[off + i] = half ? Float16.toFloat(bits) : BFloat16.toFloat(bits);
                    }
                });
                yield Nd4j.create(v, shape, type);
            }
            case I64 -> {
                long[] v = new long[n];
                forEachChunk(channel, position, n, 8, (b, off, len) -> b.asLongBuffer().get(v, off, len));
                yield Nd4j.create(v, shape, type);
            }
            case I32 -> {
                int[] v = new int[n];
                forEachChunk(channel, position, n, 4, (b, off, len) -> b.asIntBuffer().get(v, off, len));
                yield Nd4j.create(v, shape, type);
            }
            case I16 -> {
                short[] v = new short[n];
                forEachChunk(channel, position, n, 2, (b, off, len) -> b.asShortBuffer().get(v, off, len));
                yield Nd4j.create(v, shape, type);
            }
            case I8 -> {
                byte[] v = new byte[n];
                forEachChunk(channel, position, n, 1, (b, off, len) -> b.get(v, off, len));
                yield Nd4j.create(v, shape, type);
            }
            case U8 -> {
                byte[] v = new byte[n];                   // raw bytes; ND4J reads them as unsigned
                forEachChunk(channel, position, n, 1, (b, off, len) -> b.get(v, off, len));
                yield Nd4j.create(v, shape, DataType.UINT8);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                forEachChunk(channel, position, n, 1, (b, off, len) -> {
                    for (int i = 0; i < len; i++) {
                        v[off + i] = b.get(i) != 0;
                    }
                });
                yield Nd4j.create(v, shape, type);
            }
        };
    }

    /** Receives one mapped chunk (little-endian, positioned at 0) holding elements [offset, offset+length). */
    private interface ChunkReader {
        void read(ByteBuffer chunk, int offset, int length);
    }

    private static void forEachChunk(FileChannel channel, long position, int count, int elementSize,
                                     ChunkReader reader) throws IOException {
        int perChunk = (int) (CHUNK_BYTES / elementSize);
        for (int done = 0; done < count; ) {
            int len = Math.min(perChunk, count - done);
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY,
                    position + (long) done * elementSize, (long) len * elementSize);
            reader.read(mapped.order(ByteOrder.LITTLE_ENDIAN), done, len);
            done += len;
        }
    }
}
