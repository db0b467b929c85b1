package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.sft.ChatFile;
import org.decoder4j.sft.ChatMessage;
import org.decoder4j.sft.ChatRole;
import org.decoder4j.sft.Dialogue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FinetuneCliTest {

    @TempDir
    Path dir;

    private Path model() throws Exception {
        Path model = dir.resolve("model");
        CharTokenizer tok = CharTokenizer.fit("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:,.?!' \n");
        GPT.builder().vocabSize(tok.vocabSize()).contextLength(48).layers(1).heads(2).embeddingSize(16).seed(2)
                .build().save(model);
        tok.save(model);
        return model;
    }

    private Path chat() throws Exception {
        Path file = dir.resolve("chat.jsonl");
        ChatFile.write(file, List.of(
                new Dialogue(List.of(new ChatMessage(ChatRole.USER, "Who's there?", "BERNARDO"),
                        new ChatMessage(ChatRole.ASSISTANT, "Nay, answer me.", "FRANCISCO"))),
                new Dialogue(List.of(new ChatMessage(ChatRole.USER, "Long live the king!", "BERNARDO"),
                        new ChatMessage(ChatRole.ASSISTANT, "Bernardo?", "FRANCISCO")))));
        return file;
    }

    @Test
    void finetuneLowersTheAssistantLossOfItsOwnDialoguesAndWritesTheModel() throws Exception {
        Path model = model();
        Path chat = chat();
        Path out = dir.resolve("tuned");
        Cli.Result r = Cli.run("finetune", "--model", model, "--sft", chat, "--val", chat, "--out", out,
                "--template", "speaker", "--steps", 40, "--batch-size", 2, "--lr", "1e-2", "--log-every", 40);
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile("before (\\d+\\.\\d+)\\s+after (\\d+\\.\\d+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double before = Double.parseDouble(m.group(1));
        double after = Double.parseDouble(m.group(2));
        assertTrue(after < before - 1.0, "assistant loss before " + before + ", after " + after);
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
    }

    @Test
    void badTemplatesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Path model = model();
        Path chat = chat();
        Path out = dir.resolve("never");
        Cli.Result usage = Cli.run("finetune", "--model", model, "--sft", chat, "--out", out, "--template", "custom");
        assertEquals(2, usage.exit(), usage.toString());
        assertTrue(usage.err().contains("--template custom needs both --turn-start and --turn-end"), usage.err());

        // the default template's "<|user|>" is not in this character vocabulary
        Cli.Result unencodable = Cli.run("finetune", "--model", model, "--sft", chat, "--out", out);
        assertEquals(1, unencodable.exit(), unencodable.toString());
        assertEquals(1, unencodable.errLines().size(), unencodable.err());
        assertTrue(unencodable.err().contains("dialogue 1, turn 0 header"), unencodable.err());
        assertTrue(Files.notExists(out));
    }
}
