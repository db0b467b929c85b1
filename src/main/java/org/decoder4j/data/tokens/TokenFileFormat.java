package org.decoder4j.data.tokens;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How token ids are stored in a token file. {@link #UINT16} is nanoGPT's format: raw little-endian
 * uint16, no header, for vocabularies of up to 65,536 ids. {@link #UINT32} is for larger ones: a
 * 16-byte header (the 8 ASCII bytes {@code D4JTOK32}, then the little-endian uint32 4 = bytes per
 * token, then 4 zero bytes), then little-endian uint32 ids.
 *
 * <pre>{@code
 * TokenFileFormat f = TokenFileFormat.smallestFor(tokenizer.vocabSize());   // UINT16 for GPT-2
 * }</pre>
 *
 * <p>A file is read as {@link #UINT32} when it starts with the header and as {@link #UINT16}
 * otherwise. A raw uint16 file is mistaken for a uint32 one only if its first four ids are
 * 13380, 21578, 19279, 12851 and the next four spell the rest of the header.
 */
public enum TokenFileFormat {

    /** Raw little-endian uint16 ids, as nanoGPT's {@code np.uint16(ids).tofile(...)}. */
    UINT16(2, 0xFFFF, new byte[0]),

    /** A 16-byte header, then little-endian uint32 ids (below 2^31). */
    UINT32(4, Integer.MAX_VALUE, header32());

    private final int bytesPerToken;
    private final long largestId;
    private final byte[] header;

    TokenFileFormat(int bytesPerToken, long largestId, byte[] header) {
        this.bytesPerToken = bytesPerToken;
        this.largestId = largestId;
        this.header = header;
    }

    private static byte[] header32() {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.put("D4JTOK32".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(0);
        return b.array();
    }

    /**
     * Bytes per token id.
     *
     * @return 2 or 4
     */
    public int bytesPerToken() {
        return bytesPerToken;
    }

    /**
     * The largest id the format holds.
     *
     * @return the largest id
     */
    public long largestId() {
        return largestId;
    }

    /**
     * Bytes before the first id.
     *
     * @return the header's length in bytes
     */
    public int headerBytes() {
        return header.length;
    }

    byte[] header() {
        return header.clone();
    }

    /**
     * {@link #UINT16} when every id of a vocabulary of this size fits in it, else {@link #UINT32}.
     *
     * @param vocabSize the vocabulary size
     * @return the format
     */
    public static TokenFileFormat smallestFor(int vocabSize) {
        return vocabSize - 1 <= UINT16.largestId ? UINT16 : UINT32;
    }

    /**
     * Fails if a vocabulary of {@code vocabSize} ids does not fit in this format.
     *
     * @throws IllegalArgumentException naming the vocabulary size and the format's limit
     * @param vocabSize the vocabulary size
     */
    public void checkFits(int vocabSize) {
        if (vocabSize - 1L > largestId) {
            throw new IllegalArgumentException("a vocabulary of " + vocabSize + " tokens has ids up to "
                    + (vocabSize - 1) + ", which do not fit in " + this + " token files (ids up to " + largestId
                    + "); use " + UINT32);
        }
    }

    /** The format of an open token file, from its first bytes. */
    static TokenFileFormat of(FileChannel channel) throws IOException {
        if (channel.size() < UINT32.header.length) {
            return UINT16;
        }
        ByteBuffer first = ByteBuffer.allocate(UINT32.header.length);
        while (first.hasRemaining() && channel.read(first, first.position()) > 0) {
            // read until the header length
        }
        return Arrays.equals(first.array(), UINT32.header) ? UINT32 : UINT16;
    }

    /** "uint16" or "uint32", as flags and messages name them. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
