package org.decoder4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Streams an ND4J array's elements, in row-major order, to a channel as little-endian safetensors
 * data: one bulk copy out of ND4J into a Java array, then fixed-size buffers to the channel.
 */
final class TensorEncoder {

    private static final int BUFFER_BYTES = 1 << 23;

    private TensorEncoder() {
    }

    static void write(INDArray array, SafeTensorsDtype dtype, WritableByteChannel out) throws IOException {
        int n = (int) array.length();
        if (n == 0) {
            return;
        }
        INDArray c = rowMajor(array);
        switch (dtype) {
            case F64 -> {
                double[] v = c.data().asDouble();
                inChunks(n, 8, out, (b, off, len) -> b.asDoubleBuffer().put(v, off, len));
            }
            case F32 -> {
                float[] v = c.data().asFloat();
                inChunks(n, 4, out, (b, off, len) -> b.asFloatBuffer().put(v, off, len));
            }
            case F16, BF16 -> {
                float[] v = c.dataType() == DataType.FLOAT ? c.data().asFloat() : c.castTo(DataType.FLOAT).data().asFloat();
                boolean half = dtype == SafeTensorsDtype.F16;
                inChunks(n, 2, out, (b, off, len) -> {
                    for (int i = 0; i < len; i++) {
                        b.putShort(2 * i, half ? Float16.fromFloat(v[off + i]) : BFloat16.fromFloat(v[off + i]));
                    }
                });
            }
            case I64 -> {
                long[] v = c.data().asLong();
                inChunks(n, 8, out, (b, off, len) -> b.asLongBuffer().put(v, off, len));
            }
            case I32 -> {
                int[] v = c.data().asInt();
                inChunks(n, 4, out, (b, off, len) -> b.asIntBuffer().put(v, off, len));
            }
            case I16 -> {
                int[] v = c.data().asInt();
                inChunks(n, 2, out, (b, off, len) -> {
                    for (int i = 0; i < len; i++) {
                        b.putShort(2 * i, (short) v[off + i]);
                    }
                });
            }
            case I8, U8, BOOL -> {
                int[] v = c.data().asInt();
                inChunks(n, 1, out, (b, off, len) -> {
                    for (int i = 0; i < len; i++) {
                        b.put(i, (byte) v[off + i]);
                    }
                });
            }
        }
    }

    /** Fills a little-endian buffer (positioned at 0) with elements [offset, offset+length). */
    private interface ChunkWriter {
        void fill(ByteBuffer chunk, int offset, int length);
    }

    private static void inChunks(int count, int elementSize, WritableByteChannel out, ChunkWriter writer)
            throws IOException {
        int perChunk = BUFFER_BYTES / elementSize;
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.min(perChunk, count) * elementSize)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < count; ) {
            int len = Math.min(perChunk, count - done);
            buffer.clear();
            writer.fill(buffer, done, len);
            buffer.limit(len * elementSize);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            done += len;
        }
    }

    /** A row-major array whose data buffer holds exactly its elements. */
    private static INDArray rowMajor(INDArray array) {
        boolean exact = !array.isView() && array.ordering() == 'c' && array.data().length() == array.length();
        return exact ? array : array.dup('c');
    }

}
