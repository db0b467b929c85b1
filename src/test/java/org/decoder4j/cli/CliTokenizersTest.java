package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokens.TokenFileFormat;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare with GPT-2 and trained BPE tokenizers, then train, eval and sample on those tokens. */
class CliTokenizersTest {

    private static final Object[] TINY = {
        "--layers", 1, "--heads", 2, "--embd", 16, "--context", 16, "--batch-size", 4,
        "--lr", "1e-2", "--warmup-steps", 0, "--steps", 3, "--eval-every", 3, "--sample-tokens", 0
    };

    @TempDir
    static Path dir;

    static Path text;

    @BeforeAll
    static void writeText() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            sb.append("ROMEO:\nO sweet love, the night's young. Café, naïve — 日本 🦀\n\n");
        }
        text = Files.writeString(dir.resolve("play.txt"), sb);
    }

    private static Object[] train(Path data, Path out) {
        Object[] all = new Object[5 + TINY.length];
        all[0] = "train";
        all[1] = "--data";
        all[2] = data;
        all[3] = "--out";
        all[4] = out;
        System.arraycopy(TINY, 0, all, 5, TINY.length);
        return all;
    }

    @Test
    void gpt2TokensTrainEvalAndSample() throws Exception {
        Path data = dir.resolve("gpt2");
        Cli.Result prepared = Cli.run("prepare", "--input", text, "--out", data, "--tokenizer", "gpt2");
        assertEquals(0, prepared.exit(), prepared::toString);
        assertTrue(prepared.out().contains("gpt2 tokenizer, vocabulary 50257"), prepared::toString);
        assertEquals("", prepared.err());

        String read = Files.readString(text);
        int split = read.offsetByCodePoints(0, (int) (read.codePointCount(0, read.length()) * 0.9));
        TokenDataset train = TokenDataset.open(data.resolve("train.bin"));
        assertEquals(TokenFileFormat.UINT16, train.format());
        int[] expected = Gpt2Tokenizer.standard().encode(read.substring(0, split));
        assertEquals(expected.length, train.size());
        assertEquals(expected[expected.length - 1], train.get(train.size() - 1));

        Path model = dir.resolve("gpt2-model");
        Cli.Result trained = Cli.run(train(data, model));
        assertEquals(0, trained.exit(), trained::toString);
        assertEquals(50257, org.decoder4j.nn.HuggingFaceGpt2.readConfig(model.resolve("config.json")).vocabSize());
        assertEquals("{\"type\":\"gpt2\"}", Files.readString(model.resolve("tokenizer.json")));

        Cli.Result eval = Cli.run("eval", "--model", model, "--data", data.resolve("val.bin"), "--json");
        assertEquals(0, eval.exit(), eval::toString);

        Cli.Result sample = Cli.run("sample", "--model", model, "--prompt", "ROMEO:", "--max-new-tokens", 5,
                "--seed", 1);
        assertEquals(0, sample.exit(), sample::toString);
        assertTrue(sample.out().startsWith("ROMEO:"), sample::toString);
    }

    @Test
    void trainedBpeWrittenAsUint32() throws Exception {
        Path data = dir.resolve("bpe");
        Cli.Result prepared = Cli.run("prepare", "--input", text, "--out", data, "--tokenizer", "bpe:300",
                "--format", "uint32");
        assertEquals(0, prepared.exit(), prepared::toString);
        for (String f : List.of("train.bin", "val.bin", "tokenizer.json", "vocab.json", "merges.txt")) {
            assertTrue(Files.isRegularFile(data.resolve(f)), f);
        }
        Tokenizer tok = Tokenizer.load(data);
        assertEquals(300, tok.vocabSize());
        TokenDataset train = TokenDataset.open(data.resolve("train.bin"));
        assertEquals(TokenFileFormat.UINT32, train.format());
        long[] ids = new long[(int) train.size()];
        train.copy(0, ids, 0, ids.length);
        String read = Files.readString(text);
        int split = read.offsetByCodePoints(0, (int) (read.codePointCount(0, read.length()) * 0.9));
        assertArrayEquals(tok.encode(read.substring(0, split)), java.util.Arrays.stream(ids).mapToInt(x -> (int) x)
                .toArray());

        Path model = dir.resolve("bpe-model");
        Cli.Result trained = Cli.run(train(data, model));
        assertEquals(0, trained.exit(), trained::toString);
        assertTrue(Files.isRegularFile(model.resolve("vocab.json")), "the BPE's files are saved with the model");
        Cli.Result sample = Cli.run("sample", "--model", model, "--prompt", "O sweet", "--max-new-tokens", 5);
        assertEquals(0, sample.exit(), sample::toString);
    }

    @Test
    void documentsGetEndOfTextBetweenThem() throws Exception {
        StringBuilder docs = new StringBuilder();
        for (int d = 0; d < 10; d++) {
            docs.append(d == 0 ? "" : "\n===\n").append("Document ").append(d).append(": some words");
        }
        Path input = Files.writeString(dir.resolve("docs.txt"), docs);
        Path data = dir.resolve("docs");
        Cli.Result prepared = Cli.run("prepare", "--input", input, "--out", data, "--tokenizer", "gpt2",
                "--doc-separator", "\\n===\\n");
        assertEquals(0, prepared.exit(), prepared::toString);
        Tokenizer gpt2 = Gpt2Tokenizer.standard();
        TokenDataset train = TokenDataset.open(data.resolve("train.bin"));
        long[] ids = new long[(int) train.size()];
        train.copy(0, ids, 0, ids.length);
        int[] asInts = java.util.Arrays.stream(ids).mapToInt(x -> (int) x).toArray();
        // 10 documents of 22 characters: the tenth starts at character 198, 90% of 220, and is validation
        assertEquals(String.join("<|endoftext|>", java.util.stream.IntStream.range(0, 9)
                .mapToObj(d -> "Document " + d + ": some words").toList()), gpt2.decode(asInts));
        assertEquals(8, java.util.Arrays.stream(asInts).filter(id -> id == 50256).count());

        Cli.Result chars = Cli.run("prepare", "--input", input, "--out", dir.resolve("never"), "--doc-separator", "x");
        assertEquals(2, chars.exit(), chars::toString);
        assertTrue(chars.err().contains("<|endoftext|>"), chars::toString);
    }

    @Test
    void badTokenizerAndFormatFlags() {
        for (Object[] args : List.of(
                new Object[] {"--tokenizer", "bpe"},
                new Object[] {"--tokenizer", "bpe:lots"},
                new Object[] {"--tokenizer", "bpe:100"},
                new Object[] {"--tokenizer", "wordpiece"},
                new Object[] {"--format", "int8"})) {
            Path out = dir.resolve("never");
            Object[] all = new Object[5 + args.length];
            System.arraycopy(new Object[] {"prepare", "--input", text, "--out", out}, 0, all, 0, 5);
            System.arraycopy(args, 0, all, 5, args.length);
            Cli.Result r = Cli.run(all);
            assertEquals(2, r.exit(), r::toString);
            assertTrue(r.err().contains(String.valueOf(args[1]).split(":")[0]), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertFalse(Files.exists(out));
        }
    }
}
