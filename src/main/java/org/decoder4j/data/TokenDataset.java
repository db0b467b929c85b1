package org.decoder4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only sequence of token ids stored as nanoGPT stores them: raw little-endian uint16, two
 * bytes per token, no header. Files are memory-mapped in 1 GiB segments, so they may be larger
 * than 2 GB, and reads go straight to the page cache.
 *
 * <pre>{@code
 * TokenDataset train = TokenDataset.open(Path.of("data/train.bin"));
 * train.checkVocabulary(tokenizer.vocabSize());   // fails on ids the model cannot embed
 * long n = train.size();                          // 1_003_854 for Tiny Shakespeare
 * int first = train.get(0);                       // 18 ('F')
 * }</pre>
 *
 * <p>Instances are immutable and safe to read from several threads.
 */
public final class TokenDataset {

    /** Tokens per mapped segment: 2^29 tokens = 1 GiB. */
    private static final int SEGMENT_SHIFT = 29;
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;

    private final ByteBuffer[] segments;
    private final long size;
    private final String source;
    private volatile int maxToken = -1;

    private TokenDataset(ByteBuffer[] segments, long size, String source) {
        this.segments = segments;
        this.size = size;
        this.source = source;
    }

    /**
     * Maps a token file.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws IOException if it is empty or has an odd number of bytes (the message names the file and size)
     */
    public static TokenDataset open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long bytes = channel.size();
            if (bytes == 0) {
                throw new IOException(file + " is empty; a token file holds uint16 token ids, 2 bytes each");
            }
            if (bytes % 2 != 0) {
                throw new IOException(file + " has " + bytes + " bytes, an odd number; a token file holds "
                        + "uint16 token ids, 2 bytes each, so it is truncated or not a token file");
            }
            long size = bytes / 2;
            int count = (int) ((size + SEGMENT_MASK) >>> SEGMENT_SHIFT);
            ByteBuffer[] segments = new ByteBuffer[count];
            for (int s = 0; s < count; s++) {
                long first = (long) s << SEGMENT_SHIFT;
                long tokens = Math.min(1L << SEGMENT_SHIFT, size - first);
                segments[s] = channel.map(FileChannel.MapMode.READ_ONLY, 2 * first, 2 * tokens)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            return new TokenDataset(segments, size, file.toString());
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "token file not found");
        }
    }

    /**
     * An in-memory dataset holding a copy of {@code tokens}.
     *
     * @throws IllegalArgumentException if it is empty or an id does not fit in uint16
     */
    public static TokenDataset of(int[] tokens) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a token dataset cannot be empty");
        }
        ByteBuffer buffer = ByteBuffer.allocate(2 * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] > 0xFFFF) {
                throw new IllegalArgumentException("token " + tokens[i] + " at index " + i
                        + " does not fit in uint16 (0..65535)");
            }
            buffer.putShort(2 * i, (short) tokens[i]);
        }
        return new TokenDataset(new ByteBuffer[] {buffer}, tokens.length, "in-memory tokens");
    }

    /** Number of tokens. */
    public long size() {
        return size;
    }

    /** The file this was opened from, or {@code "in-memory tokens"}; used in messages. */
    public String source() {
        return source;
    }

    /**
     * The token at index {@code i}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
     */
    public int get(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("token index " + i + " outside [0, " + size + ") of " + source);
        }
        return segments[(int) (i >>> SEGMENT_SHIFT)].getShort(2 * (int) (i & SEGMENT_MASK)) & 0xFFFF;
    }

    /**
     * Copies tokens {@code [from, from + length)} into {@code destination[offset, offset + length)}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    public void copy(long from, long[] destination, int offset, int length) {
        if (from < 0 || length < 0 || from > size - length) {
            throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + length) + ") outside [0, "
                    + size + ") of " + source);
        }
        if (offset < 0 || offset > destination.length - length) {
            throw new IndexOutOfBoundsException("destination range [" + offset + ", " + (offset + length)
                    + ") outside an array of " + destination.length);
        }
        long position = from;
        int out = offset;
        int remaining = length;
        while (remaining > 0) {
            ByteBuffer segment = segments[(int) (position >>> SEGMENT_SHIFT)];
            int index = (int) (position & SEGMENT_MASK);
            int n = Math.min(remaining, segment.capacity() / 2 - index);
            for (int k = 0; k < n; k++) {
                destination[out + k] = segment.getShort(2 * (index + k)) & 0xFFFF;
            }
            position += n;
            out += n;
            remaining -= n;
        }
    }

    /** The largest token id in the data; computed by one pass on first use. */
    public int maxToken() {
        int max = maxToken;
        if (max < 0) {
            for (ByteBuffer segment : segments) {
                int n = segment.capacity() / 2;
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, segment.getShort(2 * k) & 0xFFFF);
                }
            }
            maxToken = max;
        }
        return max;
    }

    /**
     * Checks that every token id is below {@code vocabSize}.
     *
     * @throws IllegalArgumentException naming the first offending index and id
     */
    public void checkVocabulary(int vocabSize) {
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabulary size must be positive, got " + vocabSize);
        }
        if (maxToken() < vocabSize) {
            return;
        }
        for (long i = 0; i < size; i++) {
            int token = get(i);
            if (token >= vocabSize) {
                throw new IllegalArgumentException(source + ": token " + token + " at index " + i
                        + " is outside the vocabulary of " + vocabSize + " (ids 0.." + (vocabSize - 1) + ")");
            }
        }
    }

    @Override
    public String toString() {
        return "TokenDataset[" + source + ", " + size + " tokens]";
    }
}
