package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link AtomicMove} and {@link DirectoryTree}: the file moves and deletions every writer shares. */
class FileReplacementTest {

    @TempDir
    Path dir;

    @Test
    void replacesAFileInOneRename() throws Exception {
        Path from = Files.writeString(dir.resolve("new.tmp"), "new");
        Path to = Files.writeString(dir.resolve("model.bin"), "old");
        AtomicMove.replace(from, to);
        assertEquals("new", Files.readString(to));
        assertFalse(Files.exists(from));
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(to), left.toList(), "no temporary file left");
        }
    }

    @Test
    void movesADirectoryToAFreeName() throws Exception {
        Path staging = Files.createDirectories(dir.resolve(".step-4.tmp"));
        Files.writeString(staging.resolve("state.json"), "{}");
        Path target = dir.resolve("step-4");
        AtomicMove.replace(staging, target);
        assertEquals("{}", Files.readString(target.resolve("state.json")));
        assertFalse(Files.exists(staging));
    }

    @Test
    void deletesATreeDeepestFirstAndIgnoresAMissingOne() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("a/b/c"));
        Files.writeString(tree.resolve("f"), "x");
        Files.writeString(dir.resolve("a/g"), "y");
        DirectoryTree.delete(dir.resolve("a"));
        assertFalse(Files.exists(dir.resolve("a")));
        DirectoryTree.delete(dir.resolve("a"));
        assertTrue(Files.isDirectory(dir), "the parent stays");
    }
}
