package org.decoder4j.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a text file as lines of strict UTF-8: a byte sequence that is not UTF-8 fails with the
 * file, the line and the byte offset, rather than the bare {@code "Input length = 1"} of
 * {@link Files#readAllLines}. Lines end at {@code \n}; a {@code \r} before it is dropped.
 *
 * <pre>{@code
 * List<String> lines = Utf8Lines.read(Path.of("train.jsonl"));
 * }</pre>
 */
public final class Utf8Lines {

    private Utf8Lines() {
    }

    /**
     * @throws IOException naming the file if it is a directory or cannot be read, and the line and
     *                     byte offset of the first byte that is not UTF-8
     * @param file a UTF-8 text file
     * @return its lines, without line terminators
     */
    public static List<String> read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a directory; expected a text file");
        }
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int number = 1;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            lines.add(decode(decoder, bytes, start, stop, file, number));
            start = end + 1;
            number++;
        }
        return lines;
    }

    private static String decode(CharsetDecoder decoder, byte[] bytes, int from, int to, Path file, int line)
            throws IOException {
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CharBuffer out = CharBuffer.allocate(to - from);
        decoder.reset();
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new IOException(file + " line " + line + ": invalid UTF-8 at byte offset " + in.position()
                    + " of the file (byte 0x" + String.format("%02X", bytes[in.position()] & 0xFF) + ")");
        }
        return out.flip().toString();
    }
}
