package org.decoder4j.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches one blob into the cache: the bytes go to {@code blobs/ETAG.incomplete}, a broken
 * connection is resumed with an HTTP {@code Range} request (also by a later run, from the bytes
 * an earlier one left), the whole is checked against the announced size and, for a file in Git
 * LFS, its sha256, and only then renamed to {@code blobs/ETAG}. A check that fails deletes the
 * partial file and leaves the cache as it was.
 */
final class BlobDownload {

    private static final Logger LOG = LoggerFactory.getLogger(BlobDownload.class);
    private static final int ATTEMPTS = 5;
    private static final int BUFFER = 1 << 16;

    private final HubHttp http;
    private final URI hub;
    private final DownloadProgress progress;

    BlobDownload(HubHttp http, URI hub, DownloadProgress progress) {
        this.http = http;
        this.hub = hub;
        this.progress = progress;
    }

    /**
     * Downloads {@code file} (named so in messages) described by {@code meta} into {@code blob},
     * unless it is there already.
     *
     * @throws IOException if it cannot be fetched after several attempts, or fails its checks
     */
    void fetch(String file, FileMetadata meta, Path incomplete, Path blob) throws IOException {
        if (Files.isRegularFile(blob)) {
            return;
        }
        Files.createDirectories(incomplete.getParent());
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                if (download(file, meta, incomplete)) {
                    break;
                }
            } catch (HubUnreachableException e) {
                throw new HubUnreachableException(file + ": " + e.getMessage() + "; the " + size(incomplete)
                        + " bytes received so far stay in " + incomplete + " and a later run resumes from them", e);
            } catch (HubStatusException e) {
                throw e;                                        // an error status: trying again will not help
            } catch (IOException e) {
                last = e;
                LOG.warn("{}: download interrupted after {} bytes ({}); resuming (attempt {} of {})", file,
                        size(incomplete), e.getMessage(), attempt + 1, ATTEMPTS);
            }
            if (attempt == ATTEMPTS) {
                throw new IOException(file + ": download interrupted " + ATTEMPTS + " times, last at byte "
                        + size(incomplete) + (meta.size() >= 0 ? " of " + meta.size() : "") + " (" + last.getMessage()
                        + "); run again to resume from " + incomplete, last);
            }
        }
        verify(file, meta, incomplete);
        try {
            Files.move(incomplete, blob, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(incomplete, blob);
        }
    }

    /** One attempt; true when the file is complete. */
    private boolean download(String file, FileMetadata meta, Path incomplete) throws IOException {
        long have = size(incomplete);
        if (meta.size() >= 0 && have > meta.size()) {
            LOG.warn("{}: {} holds {} bytes, more than the file's {}; starting over", file, incomplete, have, meta.size());
            Files.delete(incomplete);
            have = 0;
        }
        if (meta.size() >= 0 && have == meta.size()) {
            progress.update(file, have, meta.size());
            return true;
        }
        HttpResponse<InputStream> r = http.get(meta.location(), hub, have, file);
        try (InputStream body = r.body()) {
            if (r.statusCode() == 416) {                            // the partial file is no prefix of this one
                LOG.warn("{}: the server refused to resume at byte {}; starting over", file, have);
                Files.deleteIfExists(incomplete);
                return false;
            }
            if (have > 0 && r.statusCode() != 206) {
                LOG.info("{}: the server sent the whole file instead of resuming at byte {}", file, have);
                have = 0;
            } else if (r.statusCode() == 206) {
                long start = contentRangeStart(r);
                if (start != have) {
                    throw new IOException(file + ": asked for bytes from " + have + " but the server sent from " + start);
                }
            }
            if (have > 0) {
                LOG.info("{}: resuming at byte {}", file, have);
            }
            try (FileChannel out = FileChannel.open(incomplete, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                out.truncate(have);
                out.position(have);
                byte[] buffer = new byte[BUFFER];
                long done = have;
                progress.update(file, done, meta.size());
                for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    done += n;
                    progress.update(file, done, meta.size());
                }
                out.force(true);
                if (meta.size() >= 0 && done < meta.size()) {
                    throw new IOException("the connection ended at byte " + done + " of " + meta.size());
                }
            }
        }
        return true;
    }

    private static long contentRangeStart(HttpResponse<?> r) throws IOException {
        String range = r.headers().firstValue("Content-Range").orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)").matcher(range);
        if (!m.matches()) {
            throw new IOException("a partial answer (206) without a valid Content-Range: '" + range + "'");
        }
        return Long.parseLong(m.group(1));
    }

    /** Checks the size and, for an LFS file, the sha256; deletes the file if either is wrong. */
    private static void verify(String file, FileMetadata meta, Path incomplete) throws IOException {
        long size = size(incomplete);
        if (meta.size() >= 0 && size != meta.size()) {
            Files.deleteIfExists(incomplete);
            throw new IOException(file + ": received " + size + " bytes but the Hub announced " + meta.size()
                    + "; the download was discarded");
        }
        if (meta.hasSha256()) {
            String actual = sha256(incomplete);
            if (!actual.equals(meta.etag())) {
                Files.deleteIfExists(incomplete);
                throw new IOException(file + ": sha256 of the downloaded bytes is " + actual + " but the Hub "
                        + "announced " + meta.etag() + " (X-Linked-Etag); the download was corrupted and was "
                        + "discarded, nothing was cached");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
            while (in.read(buffer) >= 0) {
                buffer.flip();
                digest.update(buffer);
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long size(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }
}
