package org.decoder4j.data;

import java.io.IOException;
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
 * Reads a text file the way Python's {@code open(path, 'r').read()} does on Linux: strict UTF-8,
 * and universal newlines ({@code "\r\n"} and a lone {@code "\r"} both become {@code "\n"}), so that
 * characters and counts match nanoGPT's preparation scripts.
 */
final class PythonTextFile {

    private PythonTextFile() {
    }

    /**
     * @throws NoSuchFileException if the file does not exist
     * @throws IOException if it is not valid UTF-8, naming the byte offset of the first bad sequence
     */
    static String read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "input text file not found");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);        // UTF-8 never has fewer bytes than UTF-16 chars
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new IOException(file + " is not valid UTF-8: " + result.length() + " bad byte(s) at byte offset "
                    + in.position());
        }
        String text = out.flip().toString();
        return text.indexOf('\r') < 0 ? text : text.replace("\r\n", "\n").replace('\r', '\n');
    }
}
