package org.decoder4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new one: the bytes
 * go to a temporary file in the target's directory, which {@link #commit()} flushes to disk and
 * renames over the target. Closing without committing deletes the temporary file and leaves the
 * target untouched.
 *
 * <pre>{@code
 * try (AtomicWrite out = AtomicWrite.to(Path.of("out/config.json"))) {
 *     out.stream().write(json);
 *     out.commit();
 * }
 * AtomicWrite.write(Path.of("out/notes.txt"), bytes);   // the same in one call
 * }</pre>
 */
public final class AtomicWrite implements AutoCloseable {

    private final Path target;
    private final Path temporary;
    private final FileChannel channel;
    private boolean finished;

    private AtomicWrite(Path target, Path temporary, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.channel = channel;
    }

    /**
     * Starts writing {@code target}; its directory is created if missing.
     *
     * @throws IOException if the directory cannot be created or written to
     * @param target the file to write
     * @return the write in progress, to be committed and closed
     */
    public static AtomicWrite to(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        String base = "." + absolute.getFileName() + ".";
        for (int attempt = 0; ; attempt++) {
            Path temporary = dir.resolve(base + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return new AtomicWrite(absolute, temporary, channel);
            } catch (FileAlreadyExistsException e) {
                if (attempt > 16) {
                    throw e;
                }
            }
        }
    }

    /**
     * Writes {@code bytes} to {@code target} atomically.
     *
     * @param target the file to write
     * @param bytes its new content
     * @throws IOException naming the target, if it cannot be written; the old file is then
     *     unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        try (AtomicWrite out = to(target)) {
            out.write(ByteBuffer.wrap(bytes));
            out.commit();
        }
    }

    /**
     * Writes all of {@code bytes} to the temporary file.
     *
     * @throws IOException naming the target, for a failure whose message does not (a full disk
     *                     says only "No space left on device")
     * @param bytes the bytes to write, from their position to their limit
     */
    public void write(ByteBuffer bytes) throws IOException {
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw named(e);
        }
    }

    /**
     * {@code e} with the target's name in its message, unless it names a file already.
     *
     * @param e an exception met while writing
     * @return an exception whose message names a file
     */
    public IOException named(IOException e) {
        if (e instanceof java.nio.file.FileSystemException) {
            return e;
        }
        return new IOException(target + ": cannot write: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                : e.getMessage()), e);
    }

    /**
     * The file that {@link #commit()} will replace.
     *
     * @return the target file
     */
    public Path target() {
        return target;
    }

    /**
     * The channel to the temporary file.
     *
     * @return the open channel
     */
    public FileChannel channel() {
        return channel;
    }

    /**
     * An output stream over {@link #channel()}; closing it is not needed (nor harmful before commit).
     *
     * @return a stream writing to the temporary file
     */
    public OutputStream stream() {
        return Channels.newOutputStream(channel);
    }

    /**
     * Flushes the temporary file to disk and renames it over the target.
     *
     * @throws IOException naming the target, if the flush or the rename fails; the target is then
     *     unchanged
     */
    public void commit() throws IOException {
        if (finished) {
            throw new IllegalStateException("already committed or closed: " + target);
        }
        finished = true;
        try {
            if (channel.isOpen()) {
                channel.force(true);
                channel.close();
            }
            AtomicMove.replace(temporary, target);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw named(e);
        } catch (RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Discards the temporary file unless {@link #commit()} succeeded. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        try {
            channel.close();
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove temporary file " + temporary, e);
        }
    }
}
