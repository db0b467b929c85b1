package org.decoder4j.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CPU engine is one package behind {@code org.decoder4j.tensor}: only the tensor ops import
 * it, and it imports nothing of the library above it. Read from the sources, so that a new import
 * across the boundary fails the build with the file that made it.
 */
class EngineBoundaryTest {

    private static final Path SOURCES = Path.of("src/main/java/org/decoder4j");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(org\\.decoder4j\\.[\\w.]+);", Pattern.MULTILINE);

    @Test
    void onlyTheTensorPackageImportsTheEngine() throws IOException {
        List<String> crossings = new ArrayList<>();
        int engineFiles = 0;
        for (Path file : javaFiles()) {
            String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
            String source = Files.readString(file);
            Matcher m = IMPORT.matcher(source);
            boolean inEngine = pkg.equals("tensor.cpu");
            engineFiles += inEngine ? 1 : 0;
            while (m.find()) {
                String imported = m.group(1);
                boolean ofEngine = imported.startsWith("org.decoder4j.tensor.cpu.");
                if (inEngine && !ofEngine) {
                    crossings.add(file + " (engine) imports " + imported);
                } else if (ofEngine && !pkg.equals("tensor") && !inEngine) {
                    crossings.add(file + " imports the engine's " + imported);
                }
            }
        }
        assertTrue(engineFiles >= 10, "expected the engine's sources under " + SOURCES + "/tensor/cpu, found " + engineFiles);
        assertEquals(List.of(), crossings);
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            return files.filter(f -> f.toString().endsWith(".java")).toList();
        }
    }
}
