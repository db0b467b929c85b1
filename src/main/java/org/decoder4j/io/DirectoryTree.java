package org.decoder4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Deletes a directory with everything in it, deepest entries first.
 *
 * <pre>{@code
 * DirectoryTree.delete(Path.of("out/checkpoints/step-500"));
 * }</pre>
 */
public final class DirectoryTree {

    private DirectoryTree() {
    }

    /**
     * Deletes {@code dir} and everything under it; nothing happens if it does not exist.
     *
     * @param dir the directory (or file) to delete
     * @throws UncheckedIOException naming {@code dir} if an entry cannot be deleted
     */
    public static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
