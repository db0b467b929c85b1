package org.decoder4j.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A chat line holds exactly one dialogue object in UTF-8; anything else is refused naming file and line. */
class ChatFileStrictnessTest {

    private static final String DIALOGUE = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
            + "{\"role\":\"assistant\",\"content\":\"hello\"}]}";

    @TempDir
    Path dir;

    private IOException refused(byte[] content) throws IOException {
        Path file = Files.write(dir.resolve("chat.jsonl"), content);
        IOException e = assertThrows(IOException.class, () -> ChatFile.read(file));
        assertTrue(e.getMessage().startsWith(file + " line 2"), e.getMessage());
        return e;
    }

    private IOException refused(String secondLine) throws IOException {
        return refused((DIALOGUE + "\n" + secondLine + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void garbageAfterTheObjectIsRefused() throws IOException {
        IOException e = refused(DIALOGUE + " garbage");
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void twoDialoguesOnOneLineAreRefused() throws IOException {
        IOException e = refused(DIALOGUE + " " + DIALOGUE);
        assertTrue(e.getMessage().contains("exactly one dialogue"), e.getMessage());
    }

    @Test
    void invalidUtf8IsNamedWithItsLineAndOffset() throws IOException {
        byte[] first = (DIALOGUE + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] content = new byte[first.length + 4];
        System.arraycopy(first, 0, content, 0, first.length);
        content[first.length] = '{';
        content[first.length + 1] = (byte) 0xC3;          // a lead byte without its continuation
        content[first.length + 2] = '}';
        content[first.length + 3] = '\n';
        IOException e = refused(content);
        assertTrue(e.getMessage().contains("invalid UTF-8 at byte offset " + (first.length + 1)), e.getMessage());
    }

    @Test
    void aDirectoryIsNamed() {
        IOException e = assertThrows(IOException.class, () -> ChatFile.read(dir));
        assertTrue(e.getMessage().startsWith(dir.toString()) && e.getMessage().contains("directory"), e.getMessage());
    }

    @Test
    void trailingWhitespaceAndCrLfAreFine() throws IOException {
        Path file = Files.writeString(dir.resolve("ok.jsonl"), DIALOGUE + "  \r\n\r\n" + DIALOGUE + "\n");
        assertEquals(2, ChatFile.read(file).size());
    }
}
