package org.decoder4j.data.tokens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.decoder4j.io.AtomicWrite;

/**
 * A token file written piece by piece: ids are appended as they are encoded, and the file appears
 * under its name only on {@link #commit()}; closing without committing leaves nothing behind.
 *
 * <pre>{@code
 * try (TokenFileOutput out = TokenFileOutput.create(Path.of("data/train.bin"), TokenFileFormat.UINT16)) {
 *     out.append(tokenizer.encode(part1));
 *     out.append(tokenizer.encode(part2));
 *     out.commit();
 * }
 * }</pre>
 */
public final class TokenFileOutput implements AutoCloseable {

    private final AtomicWrite file;
    private final TokenFileFormat format;
    private ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long count;

    private TokenFileOutput(AtomicWrite file, TokenFileFormat format) {
        this.file = file;
        this.format = format;
    }

    /**
     * Starts writing {@code target} (its directory is created if missing) in {@code format}.
     *
     * @param target the token file to write
     * @param format uint16 or uint32 ids
     * @return the output, to be committed and closed
     * @throws IOException if the directory or the temporary file cannot be created
     */
    public static TokenFileOutput create(Path target, TokenFileFormat format) throws IOException {
        AtomicWrite file = AtomicWrite.to(target);
        TokenFileOutput out = new TokenFileOutput(file, format);
        try {
            out.write(ByteBuffer.wrap(format.header()));
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
        return out;
    }

    /**
     * Appends {@code ids}.
     *
     * @throws IllegalArgumentException if an id does not fit in the format, before any of them is written
     * @param ids the ids to append
     * @throws IOException if they cannot be written
     */
    public void append(int[] ids) throws IOException {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] > format.largestId()) {
                throw new IllegalArgumentException("token " + ids[i] + " at index " + (count + i)
                        + " does not fit in " + format + " (0.." + format.largestId() + ")");
            }
        }
        int width = format.bytesPerToken();
        if (buffer.capacity() < width * ids.length) {
            buffer = ByteBuffer.allocate(width * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear();
        for (int id : ids) {
            if (width == 2) {
                buffer.putShort((short) id);
            } else {
                buffer.putInt(id);
            }
        }
        buffer.flip();
        write(buffer);
        count += ids.length;
    }

    private void write(ByteBuffer bytes) throws IOException {
        file.write(bytes);
    }

    /**
     * Ids appended so far.
     *
     * @return the id count
     */
    public long count() {
        return count;
    }

    /**
     * Flushes the file and gives it its name.
     *
     * @throws IOException if the file cannot be flushed or renamed
     */
    public void commit() throws IOException {
        file.commit();
    }

    /** Discards the file unless it was committed. */
    @Override
    public void close() {
        file.close();
    }
}
