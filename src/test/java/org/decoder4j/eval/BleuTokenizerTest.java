package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The 13a tokenizer and Python's whitespace, against sacreBLEU 2.6.0 and Python 3.11 (exact). */
class BleuTokenizerTest {

    @Test
    void thirteenAEqualsSacreBleus() {
        JsonNode cases = BleuFixture.root().get("tokenize_13a");
        assertEquals(14, cases.size());
        for (JsonNode c : cases) {
            assertEquals(c.get("output").asText(), BleuTokenizer.MTEVAL_13A.tokenize(c.get("input").asText()),
                    () -> "13a of '" + c.get("input").asText() + "'");
        }
    }

    @Test
    void noneOnlyStripsTrailingWhitespace() {
        assertEquals("  a,b  c.", BleuTokenizer.NONE.tokenize("  a,b  c.\u00a0\t\r"));
    }

    @Test
    void whitespaceIsPythonsOverEveryCodePoint() {
        Set<Integer> python = new HashSet<>();
        BleuFixture.root().get("python_whitespace").forEach(n -> python.add(n.asInt()));
        assertEquals(29, python.size());
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            assertEquals(python.contains(cp), PythonWhitespace.isWhitespace(cp), "U+" + Integer.toHexString(cp));
        }
    }

    @Test
    void splitAndStripFollowPython() {
        assertEquals(List.of("a", "b", "c"), PythonWhitespace.split("\u3000a\u00a0\u0085b\u001fc\u2029"));
        assertEquals(List.of(), PythonWhitespace.split(" \t "));
        assertEquals(List.of("\ud83d\ude00x", "y\u200b"), PythonWhitespace.split("\ud83d\ude00x y\u200b"));   // U+200B is no space
        assertEquals(" a b", PythonWhitespace.stripTrailing(" a b\u2003\n"));
    }

    @Test
    void namedBySacreBleuNames() {
        assertEquals(BleuTokenizer.MTEVAL_13A, BleuTokenizer.named("13a"));
        assertEquals(BleuTokenizer.NONE, BleuTokenizer.named("none"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BleuTokenizer.named("intl"));
        assertTrue(e.getMessage().contains("'intl'") && e.getMessage().contains("13a, none"), e.getMessage());
    }
}
