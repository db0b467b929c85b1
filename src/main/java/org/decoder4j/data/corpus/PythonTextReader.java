package org.decoder4j.data.corpus;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a text file in pieces the way Python's {@code open(path, 'r').read()} reads it on Linux:
 * strict UTF-8, and universal newlines ({@code "\r\n"} and a lone {@code "\r"} both become
 * {@code "\n"}), so that characters and counts match nanoGPT's preparation scripts, in memory
 * bounded by the buffer size however large the file.
 */
final class PythonTextReader implements Closeable {

    private static final int BUFFER = 1 << 20;

    private final Path file;
    private final InputStream in;
    private final long size;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER);
    private final CharBuffer chars = CharBuffer.allocate(BUFFER);
    /** Bytes decoded before the start of {@link #bytes}. */
    private long consumed;
    private boolean endOfInput;
    private boolean finished;
    /** The last character given out was a "\r" turned into "\n": a following "\n" is dropped. */
    private boolean afterCarriageReturn;

    private PythonTextReader(Path file, InputStream in, long size) {
        this.file = file;
        this.in = in;
        this.size = size;
    }

    /** @throws NoSuchFileException if the file does not exist */
    static PythonTextReader open(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "input text file not found");
        }
        return new PythonTextReader(file, Files.newInputStream(file), Files.size(file));
    }

    /** Size of the file in bytes. */
    long size() {
        return size;
    }

    /** Bytes decoded so far. */
    long bytesRead() {
        return consumed + bytes.position();
    }

    /**
     * Appends up to about {@code max} more characters to {@code out}.
     *
     * @return false at the end of the file, when nothing was appended
     * @throws IOException if the file is not valid UTF-8, naming the byte offset of the first bad sequence
     */
    boolean read(StringBuilder out, int max) throws IOException {
        int before = out.length();
        while (out.length() - before < max && !finished) {
            decodeSome();
            chars.flip();
            while (chars.hasRemaining()) {
                char c = chars.get();
                if (c == '\n' && afterCarriageReturn) {
                    afterCarriageReturn = false;
                    continue;
                }
                afterCarriageReturn = c == '\r';
                out.append(c == '\r' ? '\n' : c);
            }
            chars.clear();
        }
        return out.length() > before;
    }

    private void decodeSome() throws IOException {
        if (!endOfInput) {
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                endOfInput = true;
            } else {
                bytes.position(bytes.position() + n);
            }
        }
        bytes.flip();
        CoderResult result = decoder.decode(bytes, chars, endOfInput);
        if (!result.isError() && endOfInput && !bytes.hasRemaining()) {
            result = decoder.flush(chars);
            finished = !result.isOverflow();
        }
        if (result.isError()) {
            throw new IOException(file + " is not valid UTF-8: " + result.length() + " bad byte(s) at byte offset "
                    + (consumed + bytes.position()));
        }
        consumed += bytes.position();
        bytes.compact();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
