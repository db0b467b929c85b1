package org.decoder4j.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Chat files of valid dialogues with some lines damaged (text appended, bytes that are not UTF-8,
 * a line cut short, two dialogues joined): each file is refused with an IOException naming the
 * file and one of the damaged lines, or, when nothing was damaged, read back exactly.
 */
class ChatFileFuzzTest {

    private static Path dir;

    /** A line and how to damage it: 0 = not at all. */
    record Line(Dialogue dialogue, int damage, String extra) {
    }

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("chat-fuzz");
    }

    @AfterContainer
    static void clean() throws IOException {
        for (String f : List.of("chat.jsonl", "one.jsonl")) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Files.delete(dir);
    }

    @Provide
    Arbitrary<List<Line>> files() {
        Arbitrary<String> text = Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(12)
                .withChars("ab \"\\{}[]:,\n\té€".toCharArray()), Arbitraries.of("😀 x", "\u0000"));
        Arbitrary<ChatMessage> message = Combinators.combine(Arbitraries.of(ChatRole.values()), text,
                Arbitraries.of("", "ROMEO")).as((r, c, n) -> new ChatMessage(r, c, n.isEmpty() ? null : n));
        Arbitrary<Dialogue> dialogue = message.list().ofMinSize(1).ofMaxSize(3).map(Dialogue::new);
        Arbitrary<Integer> damage = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(6, 0), net.jqwik.api.Tuple.of(1, 1), net.jqwik.api.Tuple.of(1, 2),
                net.jqwik.api.Tuple.of(1, 3), net.jqwik.api.Tuple.of(1, 4));
        Arbitrary<String> extra = Arbitraries.of(" garbage", "x", "}", "{}", " 1", "[", ",", "\"");
        return Combinators.combine(dialogue, damage, extra).as(Line::new).list().ofMinSize(1).ofMaxSize(5);
    }

    private static byte[] lineBytes(Line l) throws IOException {
        Path one = dir.resolve("one.jsonl");
        ChatFile.write(one, List.of(l.dialogue()));
        byte[] json = Files.readAllBytes(one);                               // ends with '\n'
        byte[] body = java.util.Arrays.copyOf(json, json.length - 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (l.damage()) {
            case 1 -> out.writeBytes((new String(body, StandardCharsets.UTF_8) + l.extra()).getBytes(StandardCharsets.UTF_8));
            case 2 -> {
                out.writeBytes(body);
                out.writeBytes(new byte[] {' ', (byte) 0xC0, (byte) 0xAF});     // an overlong '/': not UTF-8
            }
            case 3 -> out.writeBytes(java.util.Arrays.copyOf(body, body.length - 1));   // the closing brace lost
            case 4 -> {
                out.writeBytes(body);
                out.writeBytes(body);                                           // two dialogues on one line
            }
            default -> out.writeBytes(body);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Property(tries = 300)
    void aChatFileIsRefusedNamingADamagedLineOrReadExactly(@ForAll("files") List<Line> lines) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<Integer> damaged = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            content.writeBytes(lineBytes(lines.get(i)));
            if (lines.get(i).damage() != 0) {
                damaged.add(i + 1);
            }
        }
        Path file = Files.write(dir.resolve("chat.jsonl"), content.toByteArray());
        List<Dialogue> read;
        try {
            read = ChatFile.read(file);
        } catch (IOException e) {
            assertTrue(!damaged.isEmpty(), "an undamaged file is refused: " + e.getMessage());
            assertTrue(damaged.stream().anyMatch(n -> e.getMessage().startsWith(file + " line " + n + ":")),
                    "names a damaged line of " + damaged + ": " + e.getMessage());
            return;
        }
        assertTrue(damaged.isEmpty(), "a damaged file was accepted, lines " + damaged);
        assertEquals(lines.stream().map(Line::dialogue).toList(), read);
    }
}
