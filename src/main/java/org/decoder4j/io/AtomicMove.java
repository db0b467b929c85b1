package org.decoder4j.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Puts a finished file or directory in its place in one rename, so that a reader sees the old
 * version or the new one, never half of one: the last step of {@link AtomicWrite}, of a
 * checkpoint write, and of moving prepared data into an output directory.
 *
 * <pre>{@code
 * AtomicMove.replace(Path.of("out/.model.tmp"), Path.of("out/model.safetensors"));
 * }</pre>
 */
public final class AtomicMove {

    private AtomicMove() {
    }

    /**
     * Renames {@code from} to {@code to}, replacing a file there. Where the file system cannot
     * rename atomically between the two (another file system), a file is first copied beside
     * {@code to} and that copy renamed; a directory is moved as the file system can.
     *
     * @param from the finished file or directory
     * @param to   where it goes
     * @throws IOException if it cannot be moved; {@code to} is then unchanged
     */
    public static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            if (!Files.isRegularFile(from)) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
                return;
            }
            Path part = Files.createTempFile(to.toAbsolutePath().getParent(), to.getFileName() + ".", ".part");
            try {
                Files.copy(from, part, StandardCopyOption.REPLACE_EXISTING);
                try {
                    Files.move(part, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException notHere) {
                    Files.move(part, to, StandardCopyOption.REPLACE_EXISTING);
                }
                Files.delete(from);
            } finally {
                Files.deleteIfExists(part);
            }
        }
    }
}
