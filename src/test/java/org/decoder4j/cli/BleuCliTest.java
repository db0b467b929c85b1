package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code decoder4j bleu} against sacreBLEU 2.6.0's command line on the same files (the fixture of
 * tools/fixtures/make_bleu_fixtures.py, section g): the text line must be sacreBLEU's character
 * for character (less its version field); the {@code --json} figures equal sacreBLEU's to
 * {@value #TOLERANCE}. Bad input gets one line on standard error and a non-zero exit status.
 */
class BleuCliTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/bleu");
    static final Path CLI = FIXTURE.resolve("cli");
    static final Path HYP = CLI.resolve("hyp.txt");
    static final double TOLERANCE = 1e-9;
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode cases;

    @TempDir
    static Path dir;

    @BeforeAll
    static void readExpected() throws IOException {
        cases = JSON.readTree(FIXTURE.resolve("bleu.json").toFile()).get("cli");
    }

    private static List<Object> args(JsonNode c) {
        List<Object> args = new ArrayList<>(List.of("bleu", "--hypotheses", HYP));
        c.get("references").forEach(r -> {
            args.add("--references");
            args.add(CLI.resolve(r.asText()));
        });
        c.get("flags").forEach(f -> args.add(f.asText()));
        return args;
    }

    @Test
    void textLineIsSacreBleus() {
        assertEquals(4, cases.size());
        for (JsonNode c : cases) {
            Cli.Result r = Cli.run(args(c).toArray());
            assertEquals(0, r.exit(), r::toString);
            assertEquals(c.get("expected_line").asText() + System.lineSeparator(), r.out(), () -> c.get("flags").toString());
        }
    }

    @Test
    void jsonFiguresAreSacreBleus() throws IOException {
        for (JsonNode c : cases) {
            List<Object> args = args(c);
            args.remove("--width");
            args.remove("2");
            args.add("--json");
            Cli.Result r = Cli.run(args.toArray());
            assertEquals(0, r.exit(), r::toString);
            JsonNode got = JSON.readTree(r.out());
            JsonNode want = c.get("expected");
            assertEquals(want.get("score").asDouble(), got.get("bleu").asDouble(), TOLERANCE, "bleu");
            assertEquals(want.get("counts"), got.get("counts"), "counts");
            assertEquals(want.get("totals"), got.get("totals"), "totals");
            assertEquals(want.get("bp").asDouble(), got.get("bp").asDouble(), TOLERANCE, "bp");
            assertEquals(want.get("sys_len").asLong(), got.get("sys_len").asLong(), "sys_len");
            assertEquals(want.get("ref_len").asLong(), got.get("ref_len").asLong(), "ref_len");
            for (int n = 0; n < 4; n++) {
                assertEquals(want.get("precisions").get(n).asDouble(), got.get("precisions").get(n).asDouble(), TOLERANCE);
            }
            assertTrue(c.get("expected_line").asText().startsWith("BLEU|" + got.get("signature").asText() + " = "),
                    () -> "signature " + got.get("signature"));
        }
    }

    @Test
    void pythonRounding() {
        assertEquals("0.2", BleuLine.fixed(0.25, 1));       // a tie in binary: to even, as Python
        assertEquals("1.00", BleuLine.fixed(1.005, 2));     // 1.005 is 1.00499999... in binary
        assertEquals("0.000", BleuLine.fixed(0, 3));
        assertEquals("100.0", BleuLine.fixed(100.00000000000004, 1));
    }

    // ------------------------------------------------------------------ bad input

    private static String fails(int exit, Object... args) {
        Cli.Result r = Cli.run(args);
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line of error: " + r);
        assertFalse(r.err().contains("\tat "), () -> "no stack trace: " + r);
        assertEquals("", r.out(), r::toString);
        return r.errLines().get(0);
    }

    private static void contains(String line, String... parts) {
        for (String part : parts) {
            assertTrue(line.contains(part), () -> "'" + part + "' missing in: " + line);
        }
    }

    @Test
    void missingFiles() {
        Path absent = dir.resolve("absent.txt");
        contains(fails(1, "bleu", "--hypotheses", absent, "--references", CLI.resolve("ref1.txt")),
                "decoder4j bleu", absent.toString(), "not found");
        contains(fails(1, "bleu", "--hypotheses", HYP, "--references", CLI.resolve("ref1.txt"), "--references", absent),
                absent.toString(), "not found");
    }

    @Test
    void emptyFiles() throws IOException {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        contains(fails(1, "bleu", "--hypotheses", empty, "--references", CLI.resolve("ref1.txt")), empty.toString(), "empty");
        contains(fails(1, "bleu", "--hypotheses", HYP, "--references", empty), empty.toString(), "empty");
    }

    @Test
    void lineCountsThatDiffer() throws IOException {
        Path three = Files.writeString(dir.resolve("three.txt"), "a\nb\nc\n");
        contains(fails(1, "bleu", "--hypotheses", HYP, "--references", CLI.resolve("ref1.txt"), "--references", three),
                three.toString(), "3 lines", HYP.toString(), "has 50");
    }

    @Test
    void notUtf8() throws IOException {
        Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        contains(fails(1, "bleu", "--hypotheses", latin1, "--references", latin1), latin1.toString(), "UTF-8");
    }

    @Test
    void badFlags() {
        Path ref = CLI.resolve("ref1.txt");
        contains(fails(2, "bleu", "--hypotheses", HYP), "--references");
        contains(fails(2, "bleu", "--references", ref), "--hypotheses");
        contains(fails(2, "bleu", "--hypotheses", HYP, "--references", ref, "--tokenize", "intl"),
                "--tokenize", "'intl'", "13a, none");
        contains(fails(2, "bleu", "--hypotheses", HYP, "--references", ref, "--width", "-1"), "--width");
        contains(fails(2, "bleu", "--hypotheses", HYP, "--references", ref, "--bogus"), "--bogus");
    }
}
