package org.decoder4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.decoder4j.testdata.GeneratedPlay;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The programs printed in README.md and docs/ are the example sources under examples/, which the
 * build compiles with the tests: a Java block that is a whole program (it has a {@code package}
 * line or a {@code main} method) must be, character for character, one of those files. The
 * quick start is also run, briefly.
 */
class DocumentedProgramsTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Path EXAMPLES = Path.of("examples/org/decoder4j/examples");

    @TempDir
    Path dir;

    @Test
    void theReadmesQuickStartIsTheQuickStartExample() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("## Quick start in Java");
        assertTrue(section >= 0, "README.md has a quick start section");
        Matcher m = JAVA_BLOCK.matcher(readme);
        assertTrue(m.find(section), "the quick start section has a Java block");
        assertEquals(Files.readString(EXAMPLES.resolve("QuickStart.java")), m.group(1));
    }

    @Test
    void everyProgramInTheDocsIsACompiledExample() throws IOException {
        Map<String, String> examples;
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            examples = files.collect(Collectors.toMap(p -> p.getFileName().toString(), DocumentedProgramsTest::read));
        }
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        int programs = 0;
        for (Path page : pages) {
            Matcher m = JAVA_BLOCK.matcher(read(page));
            while (m.find()) {
                String block = m.group(1);
                if (block.startsWith("package ") || block.contains("static void main(")) {
                    programs++;
                    assertTrue(examples.containsValue(block), page + " prints a program that is not one of the files "
                            + "in " + EXAMPLES + " (copy the file into the page instead):\n" + block);
                }
            }
        }
        assertTrue(programs >= 2, "README.md and docs/java-users.md print the quick start; found " + programs);
    }

    @Test
    void theQuickStartRunsBriefly() throws Exception {
        Path text = GeneratedPlay.write(dir.resolve("play.txt"), 60_000, 1);
        PrintStream stdout = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[] {text.toString(), "3", dir.resolve("out").toString()});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("validation loss ") && l.contains(" after 3 steps")),
                printed);
        assertTrue(printed.contains("ROMEO:"), printed);
        assertTrue(Files.isRegularFile(dir.resolve("out/model/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("out/model/tokenizer.json")));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
