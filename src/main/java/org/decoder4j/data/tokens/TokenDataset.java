package org.decoder4j.data.tokens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only sequence of token ids stored as nanoGPT stores them: raw little-endian uint16, two
 * bytes per token, no header; or, for vocabularies beyond 65,536 ids, decoder4j's uint32 files
 * (see {@link TokenFileFormat}), told apart by their header. Files are memory-mapped in segments
 * of 2^28 tokens, so they may be larger than 2 GB, and reads go straight to the page cache.
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

    /** Tokens per mapped segment: 2^28 tokens = 512 MiB of uint16 or 1 GiB of uint32. */
    private static final int SEGMENT_SHIFT = 28;
    private static final long SEGMENT_MASK = (1L << SEGMENT_SHIFT) - 1;

    private final ByteBuffer[] segments;
    private final long size;
    private final String source;
    private final TokenFileFormat format;
    private final boolean wide;
    private volatile int maxToken = -1;

    private TokenDataset(ByteBuffer[] segments, long size, String source, TokenFileFormat format) {
        this.segments = segments;
        this.size = size;
        this.source = source;
        this.format = format;
        this.wide = format.bytesPerToken() == 4;
    }

    /**
     * Maps a token file.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws IOException if it is empty or has an odd number of bytes (the message names the file and
     *                     size), or, for a uint32 file, holds an id of 2^31 or more (named with its byte
     *                     offset); a uint32 file is read through once to check this
     * @param file a token file (uint16, or uint32 with its header)
     * @return the mapped tokens
     */
    public static TokenDataset open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory; expected a token file (train.bin, val.bin, as "
                    + "prepare writes them)");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long bytes = channel.size();
            if (bytes == 0) {
                throw new IOException(file + " is empty; a token file holds uint16 token ids, 2 bytes each");
            }
            TokenFileFormat format = TokenFileFormat.of(channel);
            int width = format.bytesPerToken();
            long data = bytes - format.headerBytes();
            if (format == TokenFileFormat.UINT16 && bytes % 2 != 0) {
                throw new IOException(file + " has " + bytes + " bytes, an odd number; a token file holds "
                        + "uint16 token ids, 2 bytes each, so it is truncated or not a token file");
            }
            if (data % width != 0) {
                throw new IOException(file + " is a uint32 token file of " + bytes + " bytes, which is not its "
                        + format.headerBytes() + "-byte header and whole 4-byte ids: it is truncated");
            }
            if (data == 0) {
                throw new IOException(file + " is a uint32 token file that holds no tokens");
            }
            long size = data / width;
            int count = (int) ((size + SEGMENT_MASK) >>> SEGMENT_SHIFT);
            ByteBuffer[] segments = new ByteBuffer[count];
            for (int s = 0; s < count; s++) {
                long first = (long) s << SEGMENT_SHIFT;
                long tokens = Math.min(1L << SEGMENT_SHIFT, size - first);
                segments[s] = channel.map(FileChannel.MapMode.READ_ONLY, format.headerBytes() + width * first,
                                width * tokens)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
            TokenDataset dataset = new TokenDataset(segments, size, file.toString(), format);
            if (dataset.wide) {
                dataset.checkIdsBelow2To31(format.headerBytes());
            }
            return dataset;
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "token file not found");
        }
    }

    /**
     * An in-memory dataset holding a copy of {@code tokens}.
     *
     * @throws IllegalArgumentException if it is empty or an id does not fit in uint16
     * @param tokens the token ids
     * @return the dataset
     */
    public static TokenDataset of(int[] tokens) {
        return of(tokens, TokenFileFormat.UINT16);
    }

    /**
     * An in-memory dataset holding a copy of {@code tokens}, stored as in a file of {@code format}.
     *
     * @throws IllegalArgumentException if it is empty or an id does not fit in the format
     * @param tokens the token ids
     * @param format the storage format
     * @return the dataset
     */
    public static TokenDataset of(int[] tokens, TokenFileFormat format) {
        if (tokens.length == 0) {
            throw new IllegalArgumentException("a token dataset cannot be empty");
        }
        int width = format.bytesPerToken();
        ByteBuffer buffer = ByteBuffer.allocate(width * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] > format.largestId()) {
                throw new IllegalArgumentException("token " + tokens[i] + " at index " + i
                        + " does not fit in " + format + " (0.." + format.largestId() + ")");
            }
            if (width == 2) {
                buffer.putShort(2 * i, (short) tokens[i]);
            } else {
                buffer.putInt(4 * i, tokens[i]);
            }
        }
        return new TokenDataset(new ByteBuffer[] {buffer}, tokens.length, "in-memory tokens", format);
    }

    /**
     * A uint32 id of 2^31 or more reads as a negative int: refused here, when the file is opened,
     * rather than at the first batch that meets it. The same pass finds the largest id.
     */
    private void checkIdsBelow2To31(int headerBytes) throws IOException {
        int max = -1;
        long index = 0;
        for (ByteBuffer segment : segments) {
            int n = segment.capacity() / 4;
            for (int k = 0; k < n; k++, index++) {
                int id = segment.getInt(4 * k);
                if (id < 0) {
                    throw new IOException(source + ": token id " + Integer.toUnsignedString(id) + " at index " + index
                            + " (byte offset " + (headerBytes + 4 * index) + ") is 2^31 or more; uint32 token files "
                            + "hold ids up to " + Integer.MAX_VALUE + ", so the file is corrupt or not a token file");
                }
                max = Math.max(max, id);
            }
        }
        maxToken = max;
    }

    /**
     * How the ids are stored.
     *
     * @return the format
     */
    public TokenFileFormat format() {
        return format;
    }

    /**
     * Number of tokens.
     *
     * @return the token count
     */
    public long size() {
        return size;
    }

    /**
     * The file this was opened from, or {@code "in-memory tokens"}; used in messages.
     *
     * @return a description of the source
     */
    public String source() {
        return source;
    }

    /**
     * The token at index {@code i}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= i < size()}
     * @param i the index
     * @return the token id
     */
    public int get(long i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("token index " + i + " outside [0, " + size + ") of " + source);
        }
        return read(segments[(int) (i >>> SEGMENT_SHIFT)], (int) (i & SEGMENT_MASK));
    }

    private int read(ByteBuffer segment, int index) {
        return wide ? segment.getInt(4 * index) : segment.getShort(2 * index) & 0xFFFF;
    }

    /**
     * Copies tokens {@code [from, from + length)} into {@code destination[offset, offset + length)}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     * @param from the first token to copy
     * @param destination the array to copy into
     * @param offset the first index written in {@code destination}
     * @param length the number of tokens
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
            int n = Math.min(remaining, segment.capacity() / format.bytesPerToken() - index);
            for (int k = 0; k < n; k++) {
                destination[out + k] = read(segment, index + k);
            }
            position += n;
            out += n;
            remaining -= n;
        }
    }

    /**
     * The largest token id in the data; computed by one pass on first use.
     *
     * @return the largest id
     */
    public int maxToken() {
        int max = maxToken;
        if (max < 0) {
            for (ByteBuffer segment : segments) {
                int n = segment.capacity() / format.bytesPerToken();
                for (int k = 0; k < n; k++) {
                    max = Math.max(max, read(segment, k));
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
     * @param vocabSize the model's vocabulary size
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
