package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.io.AtomicWrite;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error names the file it is about (and the line or offset), in one line. */
class CliErrorNamingTest {

    @TempDir
    static Path dir;

    static Path model;
    static Path folder;
    static Path tokens;

    @BeforeAll
    static void prepare() throws Exception {
        CharTokenizer tok = CharTokenizer.fit("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:,.?!' \n");
        model = dir.resolve("model");
        GPT.builder().vocabSize(tok.vocabSize()).contextLength(16).layers(1).heads(2).embeddingSize(8).seed(4)
                .build().save(model);
        tok.save(model);
        folder = Files.createDirectories(dir.resolve("a-folder"));
        tokens = Files.write(dir.resolve("tokens.bin"), new byte[200]);
    }

    private static String oneLine(Cli.Result r) {
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertFalse(r.err().contains("internal error") || r.err().contains("\tat "), r::toString);
        return r.errLines().get(0);
    }

    @Test
    void directoriesWhereFilesAreExpectedAreNamed() {
        for (Cli.Result r : new Cli.Result[] {
            Cli.run("eval", "--model", model, "--data", folder),
            Cli.run("bleu", "--hypotheses", folder, "--references", folder),
            Cli.run("finetune", "--model", model, "--sft", folder, "--out", dir.resolve("ft"), "--template", "speaker"),
            Cli.run("train", "--data", tokens, "--val", folder, "--out", dir.resolve("t")),
        }) {
            String line = oneLine(r);
            assertTrue(line.contains(folder.toString()) && line.contains("directory"), line);
        }
    }

    @Test
    void invalidUtf8InAChatFileNamesFileLineAndOffset() throws IOException {
        Path chat = Files.write(dir.resolve("bad.jsonl"), new byte[] {'{', (byte) 0xFF, '}', '\n'});
        String line = oneLine(Cli.run("finetune", "--model", model, "--sft", chat, "--out", dir.resolve("ft2"),
                "--template", "speaker"));
        assertTrue(line.contains(chat + " line 1: invalid UTF-8 at byte offset 1"), line);
    }

    @Test
    void aWriteFailureNamesTheFile() throws IOException {
        Path target = dir.resolve("out.bin");
        IOException e;
        try (AtomicWrite w = AtomicWrite.to(target)) {
            w.channel().close();                                       // as a full disk would, the write fails
            e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> w.write(ByteBuffer.wrap(new byte[] {1, 2})));
        }
        assertTrue(e.getMessage().startsWith(target.toAbsolutePath() + ": cannot write"), e.getMessage());
    }
}
