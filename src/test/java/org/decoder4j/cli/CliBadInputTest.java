package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets one line on standard error that names the problem, a non-zero
 * exit status (2 for flags, 1 for files and data), no output, and leaves the output directory as it was.
 */
class CliBadInputTest {

    /** vocab 37, n_positions 16, no tokenizer. */
    static final Path MODEL = Path.of("src/test/resources/fixtures/parity-cli/model");
    static final Path TOKENS = Path.of("src/test/resources/fixtures/parity-cli/tokens.bin");

    @TempDir
    static Path dir;

    static Path empty;
    static Path odd;
    static Path outOfVocabulary;
    static Path text;

    /** An output directory with a model in it already, which no failed run may touch. */
    static Path existingOut;
    static Map<Path, byte[]> existingFiles;

    @BeforeAll
    static void files() throws IOException {
        empty = Files.write(dir.resolve("empty.bin"), new byte[0]);
        odd = Files.write(dir.resolve("odd.bin"), new byte[] {1, 0, 2});
        ByteBuffer b = ByteBuffer.allocate(2 * 40).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 40; i++) {
            b.putShort((short) (i == 17 ? 37 : i % 37));
        }
        outOfVocabulary = Files.write(dir.resolve("oov.bin"), b.array());
        text = Files.writeString(dir.resolve("text.txt"), "To be, or not to be, that is the question.\n".repeat(20));
        existingOut = dir.resolve("existing");
        Files.createDirectories(existingOut);
        Files.copy(MODEL.resolve("config.json"), existingOut.resolve("config.json"));
        Files.copy(MODEL.resolve("model.safetensors"), existingOut.resolve("model.safetensors"));
        existingFiles = snapshot(existingOut);
    }

    private static Map<Path, byte[]> snapshot(Path root) throws IOException {
        Map<Path, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted().toList()) {
                files.put(root.relativize(p), Files.isRegularFile(p) ? Files.readAllBytes(p) : null);
            }
        }
        return files;
    }

    /** Runs a command expected to fail and checks the common rules; returns the error line. */
    private static String fails(int exit, Object... args) throws IOException {
        Cli.Result r = Cli.run(args);
        assertEquals(exit, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), () -> "one line of error: " + r);
        assertFalse(r.err().contains("\tat "), () -> "no stack trace: " + r);
        assertEquals("", r.out(), r::toString);
        Map<Path, byte[]> now = snapshot(existingOut);
        assertEquals(existingFiles.keySet(), now.keySet(), "files in the output directory");
        existingFiles.forEach((p, bytes) -> {
            if (bytes != null) {
                assertTrue(java.util.Arrays.equals(bytes, now.get(p)), "changed: " + p);
            }
        });
        return r.errLines().get(0);
    }

    private static void contains(String line, String... parts) {
        for (String part : parts) {
            assertTrue(line.contains(part), () -> "'" + part + "' missing in: " + line);
        }
    }

    private static Object[] train(Object... more) {
        List<Object> all = new ArrayList<>(List.of("train", "--out", existingOut, "--steps", 1, "--layers", 1,
                "--heads", 1, "--embd", 8, "--context", 8, "--batch-size", 2));
        all.addAll(List.of(more));
        return all.toArray();
    }

    private static Object[] trainInit(Object... more) {
        List<Object> all = new ArrayList<>(List.of("train", "--out", existingOut, "--steps", 1, "--init", MODEL));
        all.addAll(List.of(more));
        return all.toArray();
    }

    // ------------------------------------------------------------------ flags (exit 2)

    @Test
    void unknownFlag() throws IOException {
        contains(fails(2, "eval", "--model", MODEL, "--data", TOKENS, "--bogus"), "decoder4j eval", "--bogus");
        contains(fails(2, train("--data", TOKENS, "--bogus", 3)), "decoder4j train", "--bogus");
        contains(fails(2, "sample", "--model", MODEL, "--bogus"), "--bogus");
        contains(fails(2, "prepare", "--input", text, "--out", existingOut, "--bogus"), "--bogus");
        // An unknown flag is reported even when it leaves a required one missing (a misspelt name).
        contains(fails(2, "eval", "--modle", MODEL, "--data", TOKENS), "Unknown option", "--modle");
        contains(fails(2, "nonsense"), "nonsense");
    }

    @Test
    void badSamplingFlags() throws IOException {
        contains(fails(2, "sample", "--model", MODEL, "--top-p", 0), "--top-p must be in (0, 1], got 0.0");
        contains(fails(2, "sample", "--model", MODEL, "--top-p", 1.01), "--top-p must be in (0, 1], got 1.01");
        contains(fails(2, "sample", "--model", MODEL, "--top-k", 0), "--top-k must be positive, got 0");
        contains(fails(2, "sample", "--model", MODEL, "--temperature", -1), "--temperature must be a finite number >= 0");
        contains(fails(2, "sample", "--model", MODEL, "--repetition-penalty", 0), "--repetition-penalty must be a finite number > 0");
        contains(fails(2, "sample", "--model", MODEL, "--repetition-penalty", -2), "--repetition-penalty");
        contains(fails(2, "sample", "--model", MODEL, "--stop", ""), "--stop is empty");
        contains(fails(2, "sample", "--model", MODEL, "--max-new-tokens", -5), "--max-new-tokens must be >= 0");
    }

    @Test
    void badFlagValues() throws IOException {
        contains(fails(2, train("--data", TOKENS, "--steps", "many")), "--steps", "many");
        contains(fails(2, train("--data", TOKENS, "--schedule", "linear")), "--schedule", "linear");
        contains(fails(2, train("--data", TOKENS, "--eval-batch-size", 0)), "--eval-batch-size", "positive");
        contains(fails(2, train("--data", TOKENS, "--grad-accum", 0)), "--grad-accum", "positive");
        contains(fails(2, train("--data", TOKENS, "--steps", 2, "--steps", 3)), "--steps", "once");
        contains(fails(2, "train", "--out", existingOut, "--data", TOKENS, "--embd", 10, "--heads", 4),
                "--embd 10", "--heads 4");
        contains(fails(2, train("--data", TOKENS, "--input", text)), "--input", "--data");
        contains(fails(2, "train", "--steps", 1), "--out");
        contains(fails(2, "eval", "--model", MODEL), "--data");
        contains(fails(2, "prepare", "--input", text, "--out", existingOut, "--tokenizer", "bpe"), "bpe");
    }

    @Test
    void badListenerFlags() throws IOException {
        contains(fails(2, train("--data", TOKENS, "--early-stop", 0)), "--early-stop", "positive");
        contains(fails(2, train("--data", TOKENS, "--early-stop", 2, "--early-stop-delta", -1)),
                "--early-stop-delta", ">= 0");
        contains(fails(2, train("--data", TOKENS, "--early-stop-delta", "0.1")), "--early-stop-delta",
                "needs --early-stop");
        // a token file without --val: no validation data to stop on
        contains(fails(2, train("--data", TOKENS, "--early-stop", 2)), "--early-stop", "validation data");
        contains(fails(2, train("--data", TOKENS, "--plot", dir)), "--plot", "is a directory");
        contains(fails(2, train("--data", TOKENS, "--metrics-csv", dir)), "--metrics-csv", "is a directory");
    }

    @Test
    void shapeFlagsThatContradictTheInitModel() throws IOException {
        contains(fails(2, trainInit("--data", TOKENS, "--layers", 3)), "--layers 3", "n_layer is 2");
        contains(fails(2, trainInit("--data", TOKENS, "--embd", 32)), "--embd 32", "n_embd is 24");
        contains(fails(2, trainInit("--data", TOKENS, "--vocab-size", 65)), "--vocab-size 65", "vocab_size is 37");
    }

    // ------------------------------------------------------------------ files and data (exit 1)

    @Test
    void missingFiles() throws IOException {
        Path absent = dir.resolve("absent.bin");
        contains(fails(1, "eval", "--model", MODEL, "--data", absent), absent.toString(), "not found");
        contains(fails(1, train("--data", absent)), absent.toString(), "not found");
        contains(fails(1, train("--data", TOKENS, "--val", absent)), absent.toString(), "not found");
        contains(fails(1, train("--data", dir)), dir.resolve("train.bin").toString(), "not found");
        contains(fails(1, train("--input", dir.resolve("absent.txt"))), "absent.txt", "not found");
        contains(fails(1, "prepare", "--input", dir.resolve("absent.txt"), "--out", existingOut),
                "absent.txt", "not found");
        Path noModel = dir.resolve("no-model");
        contains(fails(1, "eval", "--model", noModel, "--data", TOKENS), noModel.toString(), "not found");
        contains(fails(1, "train", "--out", existingOut, "--init", noModel, "--data", TOKENS),
                noModel.toString(), "not found");
        contains(fails(1, "sample", "--model", noModel), noModel.toString(), "not found");
        contains(fails(1, "eval", "--model", dir, "--data", TOKENS), "config.json");
    }

    @Test
    void emptyTokenFile() throws IOException {
        contains(fails(1, "eval", "--model", MODEL, "--data", empty), empty.toString(), "empty");
        contains(fails(1, train("--data", empty)), empty.toString(), "empty");
        contains(fails(1, train("--data", TOKENS, "--val", empty)), empty.toString(), "empty");
    }

    @Test
    void oddLengthTokenFile() throws IOException {
        contains(fails(1, "eval", "--model", MODEL, "--data", odd), odd.toString(), "odd");
        contains(fails(1, train("--data", odd)), odd.toString(), "odd");
        contains(fails(1, trainInit("--data", TOKENS, "--val", odd)), odd.toString(), "odd");
    }

    @Test
    void tokenIdBeyondTheVocabulary() throws IOException {
        contains(fails(1, "eval", "--model", MODEL, "--data", outOfVocabulary, "--context", 8),
                outOfVocabulary.toString(), "token 37 at index 17", "vocabulary of 37");
        contains(fails(1, trainInit("--data", outOfVocabulary, "--context", 8)),
                "token 37 at index 17", "vocabulary of 37");
        contains(fails(1, trainInit("--data", TOKENS, "--val", outOfVocabulary, "--context", 8)),
                "token 37 at index 17", "vocabulary of 37");
        contains(fails(1, train("--data", TOKENS, "--vocab-size", 30)), TOKENS.toString(), "vocabulary of 30");
        // Prepared text whose characters outnumber the --init model's vocabulary: nothing is kept.
        Path wide = Files.writeString(dir.resolve("wide.txt"),
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\n".repeat(10));
        contains(fails(1, trainInit("--input", wide, "--context", 8)), "vocabulary of 37");
    }

    @Test
    void contextLongerThanTheModel() throws IOException {
        contains(fails(1, "eval", "--model", MODEL, "--data", TOKENS, "--context", 17),
                "--context 17", "n_positions 16");
        contains(fails(1, trainInit("--data", TOKENS, "--context", 17)), "--context 17", "n_positions 16");
    }

    @Test
    void dataShorterThanOneWindow() throws IOException {
        Path short4 = Files.write(dir.resolve("short.bin"), new byte[] {1, 0, 2, 0, 3, 0, 4, 0});
        contains(fails(1, "eval", "--model", MODEL, "--data", short4, "--context", 8), "4 tokens", "at least 9");
        contains(fails(1, train("--data", TOKENS, "--val", short4)), "4 tokens", "--context 8");
    }

    @Test
    void sampleNeedsATokenizer() throws IOException {
        contains(fails(1, "sample", "--model", MODEL), MODEL.toString(), "tokenizer.json");
    }

    @Test
    void aFreshOutputDirectoryIsNotCreatedWhenTheInputIsBad() throws IOException {
        Path fresh = dir.resolve("fresh");
        Cli.Result r = Cli.run("train", "--out", fresh, "--init", MODEL, "--data", outOfVocabulary, "--context", 8);
        assertEquals(1, r.exit(), r::toString);
        assertFalse(Files.exists(fresh));
        Path log = dir.resolve("fresh.jsonl");
        r = Cli.run("train", "--out", fresh, "--init", MODEL, "--data", TOKENS, "--context", 17, "--log", log);
        assertEquals(1, r.exit(), r::toString);
        assertFalse(Files.exists(fresh));
        assertFalse(Files.exists(log));
    }

    @Test
    void verboseAddsTheStackTrace() {
        Cli.Result r = Cli.run("eval", "--model", MODEL, "--data", odd, "--verbose");
        assertEquals(1, r.exit());
        assertTrue(r.errLines().get(0).contains("odd"), r::toString);
        assertTrue(r.err().contains("\tat "), r::toString);
    }
}
