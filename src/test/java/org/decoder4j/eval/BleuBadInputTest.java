package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to BLEU and to segment files: an exception whose message names the problem. */
class BleuBadInputTest {

    @TempDir
    Path dir;

    private static void fails(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), () -> "'" + part + "' missing in: " + e.getMessage());
        }
    }

    @Test
    void emptyInputs() {
        Bleu bleu = Bleu.corpus();
        fails(() -> bleu.corpusScore(List.of(), List.of(List.of())), "at least one hypothesis");
        fails(() -> bleu.corpusScore(List.of("a"), List.of()), "at least one reference stream");
        fails(() -> Bleu.sentence().sentenceScore("a", List.of()), "at least one reference");
    }

    @Test
    void referenceStreamOfTheWrongLength() {
        fails(() -> Bleu.corpus().corpusScore(List.of("a", "b", "c"), List.of(List.of("a", "b", "c"), List.of("a", "b"))),
                "reference stream 2", "2 segments", "3 hypotheses");
    }

    @Test
    void nullSegments() {
        fails(() -> Bleu.corpus().corpusScore(Arrays.asList("a", null), List.of(List.of("a", "b"))), "hypothesis 2 is null");
        fails(() -> Bleu.corpus().corpusScore(List.of("a", "b"), List.of(Arrays.asList("a", null))),
                "reference 2 of stream 1 is null");
    }

    @Test
    void badSettings() {
        fails(() -> Bleu.corpus().maxOrder(0), "max n-gram order", "0");
        fails(() -> BleuSmoothing.floor(-0.1), "smoothing value", "-0.1");
        fails(() -> new BleuSmoothing(BleuSmoothing.Method.EXP, 0.5), "'exp' takes no value");
        fails(() -> new BleuStatistics(3, 3, List.of(4L, 0L), List.of(3L, 2L)), "1-grams", "count 4");
        fails(() -> new BleuStatistics(3, 3, List.of(1L), List.of(3L, 2L)), "1 counts and 2 totals");
    }

    @Test
    void segmentFiles() throws IOException {
        Path absent = dir.resolve("absent.txt");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> SegmentFile.read(absent));
        assertEquals(absent.toString(), missing.getFile());

        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        fails(() -> SegmentFile.read(empty), empty.toString(), "empty");

        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        IOException notUtf8 = assertThrows(IOException.class, () -> SegmentFile.read(latin1));
        assertTrue(notUtf8.getMessage().contains(latin1 + ": not valid UTF-8"), notUtf8.getMessage());
    }

    @Test
    void segmentFileLinesAsSacreBleuReadsThem() throws IOException {
        Path crlf = Files.writeString(dir.resolve("crlf.txt"), "one two \r\n\r\nthree\u00a0\n  four");
        assertEquals(List.of("one two", "", "three", "  four"), SegmentFile.read(crlf));
        // \r alone does not end a line (sacreBLEU opens files with newline="\n")
        Path cr = Files.writeString(dir.resolve("cr.txt"), "a\rb\n");
        assertEquals(List.of("a\rb"), SegmentFile.read(cr));
        Path blankLine = Files.writeString(dir.resolve("blank.txt"), "\n");
        assertEquals(List.of(""), SegmentFile.read(blankLine));
    }
}
