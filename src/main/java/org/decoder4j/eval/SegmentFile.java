package org.decoder4j.eval;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A text file of segments, one per line, read as sacreBLEU's command line reads hypotheses and
 * references: UTF-8, lines end at {@code \n} only, and each line loses its trailing whitespace
 * (so a {@code \r} of Windows line ends goes too). A last line without {@code \n} counts; an
 * empty line is an empty segment.
 *
 * <pre>{@code
 * List<String> hypotheses = SegmentFile.read(Path.of("hyp.txt"));
 * List<String> references = SegmentFile.read(Path.of("ref.txt"));
 * BleuScore s = Bleu.corpus().corpusScore(hypotheses, List.of(references));
 * }</pre>
 */
public final class SegmentFile {

    private SegmentFile() {
    }

    /**
     * The segments of a file.
     *
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException                       when it cannot be read or is not valid UTF-8
     * @throws IllegalArgumentException          when it holds no line at all
     * @param file a text file, one segment per line
     * @return the lines
     */
    public static List<String> read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a directory; expected a text file with one segment per line");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not valid UTF-8 text", e);
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException(file + ": empty file, expected one segment per line");
        }
        List<String> segments = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            segments.add(PythonWhitespace.stripTrailing(text.substring(start, end)));
            start = end + 1;
        }
        return segments;
    }
}
