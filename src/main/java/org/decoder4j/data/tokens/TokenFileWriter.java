package org.decoder4j.data.tokens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;
import org.decoder4j.io.AtomicWrite;

/**
 * Writes token ids in the format {@link TokenDataset} reads: raw little-endian uint16, as
 * nanoGPT's {@code np.array(ids, dtype=np.uint16).tofile(path)}.
 *
 * <pre>{@code
 * TokenFileWriter.write(Path.of("data/train.bin"), tokenizer.encode(text));
 * TokenDataset train = TokenDataset.open(Path.of("data/train.bin"));
 * }</pre>
 */
public final class TokenFileWriter {

    private static final int BUFFER_TOKENS = 1 << 20;

    private TokenFileWriter() {
    }

    /**
     * Writes all of {@code tokens} to {@code file}, atomically (temporary file, then rename).
     *
     * @throws IllegalArgumentException if an id does not fit in uint16, before the file is touched
     * @param file the token file to write
     * @param tokens the ids
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, int[] tokens) throws IOException {
        checkRange(tokens, 0, tokens.length);
        try (AtomicWrite out = AtomicWrite.to(file)) {
            try {
                write(tokens, 0, tokens.length, out.channel());
            } catch (IOException e) {
                throw out.named(e);                                          // a full disk names no file
            }
            out.commit();
        }
    }

    /**
     * Writes {@code tokens[from, to)} to a channel.
     *
     * @throws IllegalArgumentException if an id does not fit in uint16, before anything is written
     * @param tokens the ids
     * @param from the first index written
     * @param to the index after the last one written
     * @param out the channel to write to
     * @throws IOException if the channel fails
     */
    public static void write(int[] tokens, int from, int to, WritableByteChannel out) throws IOException {
        Objects.checkFromToIndex(from, to, tokens.length);
        checkRange(tokens, from, to);
        ByteBuffer buffer = ByteBuffer.allocate(2 * Math.min(BUFFER_TOKENS, Math.max(1, to - from)))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = from; i < to; ) {
            buffer.clear();
            int n = Math.min(buffer.capacity() / 2, to - i);
            for (int k = 0; k < n; k++) {
                buffer.putShort(2 * k, (short) tokens[i + k]);
            }
            buffer.limit(2 * n);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            i += n;
        }
    }

    private static void checkRange(int[] tokens, int from, int to) {
        for (int i = from; i < to; i++) {
            if (tokens[i] < 0 || tokens[i] > 0xFFFF) {
                throw new IllegalArgumentException("token " + tokens[i] + " at index " + i
                        + " does not fit in uint16 (0..65535)");
            }
        }
    }
}
