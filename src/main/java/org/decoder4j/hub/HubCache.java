package org.decoder4j.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One repository's folder in the cache that {@code huggingface_hub} keeps, laid out as it lays
 * it out:
 *
 * <pre>
 * models--ORG--NAME/
 *   blobs/ETAG                     file contents, named by their ETag (the sha256 for LFS files)
 *   blobs/ETAG.incomplete          a download in progress
 *   snapshots/COMMIT/FILE          relative symbolic links to ../../blobs/ETAG
 *   refs/REVISION                  the commit hash a branch or tag pointed to when last asked
 *   .no_exist/COMMIT/FILE          empty: the Hub said the file does not exist at that commit
 * </pre>
 *
 * <pre>{@code
 * HubCache cache = new HubCache(Path.of(".cache/huggingface/hub"), RepoRef.parse("openai-community/gpt2"));
 * Optional<Path> config = cache.cachedFile("main", "config.json");
 * }</pre>
 */
public final class HubCache {

    private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9._-]+");

    private final RepoRef repo;
    private final Path folder;

    public HubCache(Path cacheRoot, RepoRef repo) {
        this.repo = repo;
        this.folder = cacheRoot.resolve(repo.cacheFolderName());
    }

    /** {@code models--ORG--NAME}. */
    public Path folder() {
        return folder;
    }

    public Path blob(String etag) {
        return folder.resolve("blobs").resolve(checkedEtag(etag));
    }

    /** Where a blob is written while it downloads; a later download resumes from it. */
    public Path incompleteBlob(String etag) {
        return folder.resolve("blobs").resolve(checkedEtag(etag) + ".incomplete");
    }

    public Path snapshotFile(String commit, String file) {
        return folder.resolve("snapshots").resolve(checkedCommit(commit)).resolve(file);
    }

    public Path snapshot(String commit) {
        return folder.resolve("snapshots").resolve(checkedCommit(commit));
    }

    /** The commit a revision stands for in this cache: itself if it is a commit hash, else its ref. */
    public Optional<String> commitOf(String revision) throws IOException {
        Path ref = folder.resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref)) {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
            if (!RepoRef.isCommitHash(commit)) {
                throw new IOException(ref + ": holds '" + commit + "', not a commit hash");
            }
            return Optional.of(commit);
        }
        if (RepoRef.isCommitHash(revision) && Files.isDirectory(snapshot(revision))) {
            return Optional.of(revision);
        }
        return Optional.empty();
    }

    /** The cached file of a revision, if the revision is known here and its snapshot has the file. */
    public Optional<Path> cachedFile(String revision, String file) throws IOException {
        Optional<String> commit = commitOf(revision);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        Path path = snapshotFile(commit.get(), file);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();   // follows the link
    }

    /** Whether the Hub said {@code file} does not exist at the commit {@code revision} stands for. */
    public boolean knownMissing(String revision, String file) throws IOException {
        Optional<String> commit = commitOf(revision);
        return commit.isPresent() && Files.isRegularFile(folder.resolve(".no_exist").resolve(commit.get()).resolve(file));
    }

    /** Records that {@code file} does not exist at {@code commit}. */
    public void markMissing(String commit, String file) throws IOException {
        Path marker = folder.resolve(".no_exist").resolve(checkedCommit(commit)).resolve(file);
        Files.createDirectories(marker.getParent());
        if (!Files.exists(marker)) {
            Files.createFile(marker);
        }
    }

    /**
     * Marks the cache folder as a cache for backup tools ({@code CACHEDIR.TAG}, as
     * {@code huggingface_hub} writes it), unless it is marked already.
     */
    static void tagCacheRoot(Path cacheRoot) {
        Path tag = cacheRoot.resolve("CACHEDIR.TAG");
        if (Files.exists(tag)) {
            return;
        }
        try {
            Files.createDirectories(cacheRoot);
            Files.writeString(tag, "Signature: 8a477f597d28d172789f06886806bc55\n"
                    + "# This file is a cache directory tag: Hugging Face Hub downloads, shared by huggingface_hub "
                    + "and decoder4j.\n# See https://bford.info/cachedir/\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
        } catch (IOException ignored) {
            // only a courtesy to backup tools; a read-only cache still serves
        }
    }

    /** Writes {@code refs/REVISION} (unless the revision is the commit itself), atomically. */
    public void writeRef(String revision, String commit) throws IOException {
        checkedCommit(commit);
        if (revision.equals(commit)) {
            return;
        }
        Path ref = folder.resolve("refs").resolve(revision);
        if (Files.isRegularFile(ref) && Files.readString(ref, StandardCharsets.UTF_8).equals(commit)) {
            return;
        }
        Files.createDirectories(ref.getParent());
        Path temporary = ref.resolveSibling(ref.getFileName() + "." + shortId() + ".tmp");
        Files.writeString(temporary, commit, StandardCharsets.UTF_8);
        moveOver(temporary, ref);
    }

    /**
     * Points {@code snapshots/COMMIT/FILE} at {@code blobs/ETAG} with a relative symbolic link
     * (a copy of the blob where the file system has no links), replacing what was there.
     */
    public Path link(String commit, String file, String etag) throws IOException {
        Path target = snapshotFile(commit, file);
        Path blob = blob(etag);
        Files.createDirectories(target.getParent());
        Path relative = target.getParent().relativize(blob);
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + shortId() + ".tmp");
        try {
            Files.createSymbolicLink(temporary, relative);
        } catch (UnsupportedOperationException | FileSystemException noLinks) {
            Files.deleteIfExists(temporary);
            Files.copy(blob, temporary);
        }
        moveOver(temporary, target);
        return target;
    }

    private static void moveOver(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(from);
        }
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private String checkedEtag(String etag) {
        if (etag == null || !ETAG.matcher(etag).matches() || etag.startsWith(".")) {
            throw new IllegalArgumentException(repo + ": ETag '" + etag + "' cannot name a file in the cache");
        }
        return etag;
    }

    private String checkedCommit(String commit) {
        if (!RepoRef.isCommitHash(commit)) {
            throw new IllegalArgumentException(repo + ": '" + commit + "' is not a commit hash");
        }
        return commit;
    }
}
