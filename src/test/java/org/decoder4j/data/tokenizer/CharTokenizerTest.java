package org.decoder4j.data.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CharTokenizerTest {

    @TempDir
    Path dir;

    @Test
    void vocabularyIsTheSortedSetOfCharacters() {
        CharTokenizer tok = CharTokenizer.fit("hello world");
        assertEquals(List.of(" ", "d", "e", "h", "l", "o", "r", "w"), tok.vocabulary());
        assertEquals(8, tok.vocabSize());
        assertEquals("char", tok.name());
        assertArrayEquals(new int[] {3, 5, 4, 1}, tok.encode("hold"));
        assertEquals("he", tok.decode(new int[] {3, 2}));
        assertEquals("hello world", tok.decode(tok.encode("hello world")));
    }

    @Test
    void charactersAreCodePointsOrderedAsPythonOrdersThem() {
        // U+1F600 is the surrogate pair D83D DE00: by Java char it sorts before U+FFFD, by code point after
        String text = "\uD83D\uDE00\uFFFDa\uD83D\uDE00";
        CharTokenizer tok = CharTokenizer.fit(text);
        assertEquals(List.of("a", "\uFFFD", "\uD83D\uDE00"), tok.vocabulary());
        assertArrayEquals(new int[] {2, 1, 0, 2}, tok.encode(text));          // one token per code point
        assertEquals(text, tok.decode(new int[] {2, 1, 0, 2}));
    }

    @Test
    void unknownCharactersAndIdsAreNamedWithTheirIndex() {
        CharTokenizer tok = CharTokenizer.fit("abc");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> tok.encode("abéc"));
        assertEquals("character 'é' (U+00E9) at index 2 is not in the vocabulary of 3 characters",
                unknown.getMessage());
        IllegalArgumentException newline = assertThrows(IllegalArgumentException.class, () -> tok.encode("a\nb"));
        assertEquals("character U+000A at index 1 is not in the vocabulary of 3 characters", newline.getMessage());
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> tok.decode(new int[] {0, 1, 3}));
        assertEquals("token 3 at index 2 is outside the vocabulary of 3 characters", id.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {-1}));
    }

    @Test
    void emptyTextAndUnpairedSurrogatesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CharTokenizer.fit(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CharTokenizer.fit("ab\uD800c"));
        assertEquals("unpaired surrogate U+D800 at index 2 is not a character", e.getMessage());
    }

    @Test
    void savesAndLoadsThroughTheTokenizerFile() throws IOException {
        CharTokenizer tok = CharTokenizer.fit("To be,\nor not\t\"to\" be\\ \uD83D\uDE00");
        tok.save(dir);
        String json = Files.readString(dir.resolve("tokenizer.json"));
        assertTrue(json.startsWith("{\"type\":\"char\",\"vocab\":[\"\\t\",\"\\n\",\" \",\"\\\"\",\",\""), json);

        Tokenizer loaded = Tokenizer.load(dir);
        CharTokenizer same = assertInstanceOf(CharTokenizer.class, loaded);
        assertEquals(tok.vocabulary(), same.vocabulary());
        assertArrayEquals(tok.encode("not to be"), loaded.encode("not to be"));
        assertEquals(Optional.of(same.vocabulary()),
                Tokenizer.loadIfPresent(dir).map(t -> ((CharTokenizer) t).vocabulary()));
    }

    @Test
    void vocabularyOrderInAFileIsKept() throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{\"type\":\"char\",\"vocab\":[\"b\",\"a\",\"\\n\"]}");
        Tokenizer tok = Tokenizer.load(dir);
        assertArrayEquals(new int[] {1, 0, 2}, tok.encode("ab\n"));
    }

    @Test
    void missingOrBadTokenizerFilesFailWithTheFileNamed() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertThrows(NoSuchFileException.class, () -> Tokenizer.load(empty));
        assertEquals(Optional.empty(), Tokenizer.loadIfPresent(empty));

        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, "{\"type\":\"wordpiece\",\"vocab\":[]}");
        IOException type = assertThrows(IOException.class, () -> Tokenizer.load(dir));
        assertEquals(file + ": unknown tokenizer type \"wordpiece\" (known: [bpe, char, gpt2])", type.getMessage());

        Files.writeString(file, "{\"type\":\"char\",\"vocab\":[\"a\",\"bc\"]}");
        IOException entry = assertThrows(IOException.class, () -> Tokenizer.load(dir));
        assertEquals(file + ": vocabulary entry 1 must be exactly one character, found \"bc\"", entry.getMessage());

        Files.writeString(file, "{\"type\":\"char\",\"vocab\":[\"a\",\"b\",\"a\"]}");
        IOException twice = assertThrows(IOException.class, () -> Tokenizer.load(dir));
        assertEquals(file + ": character 'a' (U+0061) appears twice in the vocabulary, at ids 0 and 2",
                twice.getMessage());

        Files.write(file, "{\"type\":".getBytes(StandardCharsets.UTF_8));
        IOException json = assertThrows(IOException.class, () -> Tokenizer.load(dir));
        assertTrue(json.getMessage().startsWith(file + ": not valid JSON"), json.getMessage());
    }
}
