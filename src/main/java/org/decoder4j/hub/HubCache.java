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

    /**
     * The cache folder of {@code repo} under {@code cacheRoot}; nothing is read or created yet.
     *
     * @param cacheRoot the cache folder holding the {@code models--ORG--NAME} folders
     * @param repo the repository whose folder this is (its revision is not used)
     */
    public HubCache(Path cacheRoot, RepoRef repo) {
        this.repo = repo;
        this.folder = cacheRoot.resolve(repo.cacheFolderName());
    }

    /**
     * {@code models--ORG--NAME}.
     *
     * @return the repository's folder in the cache (it may not exist yet)
     */
    public Path folder() {
        return folder;
    }

    /**
     * Where the contents of the file with ETag {@code etag} are kept: {@code blobs/ETAG}.
     *
     * @param etag the file's ETag (the sha256 for LFS files)
     * @return the blob's path (it may not exist yet)
     * @throws IllegalArgumentException if the ETag cannot name a file in the cache
     */
    public Path blob(String etag) {
        return folder.resolve("blobs").resolve(checkedEtag(etag));
    }

    /**
     * Where a blob is written while it downloads; a later download resumes from it.
     *
     * @param etag the file's ETag
     * @return {@code blobs/ETAG.incomplete} (it may not exist)
     * @throws IllegalArgumentException if the ETag cannot name a file in the cache
     */
    public Path incompleteBlob(String etag) {
        return folder.resolve("blobs").resolve(checkedEtag(etag) + ".incomplete");
    }

    /**
     * Where {@code file} of {@code commit} lies: {@code snapshots/COMMIT/FILE}.
     *
     * @param commit a full commit hash
     * @param file the file's path in the repository
     * @return the file's path in the snapshot (it may not exist)
     * @throws IllegalArgumentException if {@code commit} is not a commit hash
     */
    public Path snapshotFile(String commit, String file) {
        return folder.resolve("snapshots").resolve(checkedCommit(commit)).resolve(file);
    }

    /**
     * The snapshot folder of {@code commit}: {@code snapshots/COMMIT}.
     *
     * @param commit a full commit hash
     * @return the folder (it may not exist)
     * @throws IllegalArgumentException if {@code commit} is not a commit hash
     */
    public Path snapshot(String commit) {
        return folder.resolve("snapshots").resolve(checkedCommit(commit));
    }

    /**
     * The commit a revision stands for in this cache: itself if it is a commit hash, else its ref.
     *
     * @param revision a branch, tag or commit hash
     * @return the commit hash from {@code refs/REVISION}, or the revision itself if it is a commit
     *         with a snapshot here; empty if the cache does not know the revision
     * @throws IOException if the ref cannot be read or does not hold a commit hash
     */
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

    /**
     * The cached file of a revision, if the revision is known here and its snapshot has the file.
     *
     * @param revision a branch, tag or commit hash
     * @param file the file's path in the repository
     * @return the file's path in the snapshot, or empty if it is not cached
     * @throws IOException if the revision's ref cannot be read or does not hold a commit hash
     */
    public Optional<Path> cachedFile(String revision, String file) throws IOException {
        Optional<String> commit = commitOf(revision);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        Path path = snapshotFile(commit.get(), file);
        return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();   // follows the link
    }

    /**
     * Whether the Hub said {@code file} does not exist at the commit {@code revision} stands for.
     *
     * @param revision a branch, tag or commit hash
     * @param file the file's path in the repository
     * @return true if {@code .no_exist/COMMIT/FILE} is there for the revision's cached commit
     * @throws IOException if the revision's ref cannot be read or does not hold a commit hash
     */
    public boolean knownMissing(String revision, String file) throws IOException {
        Optional<String> commit = commitOf(revision);
        return commit.isPresent() && Files.isRegularFile(folder.resolve(".no_exist").resolve(commit.get()).resolve(file));
    }

    /**
     * Records that {@code file} does not exist at {@code commit}.
     *
     * @param commit a full commit hash
     * @param file the file's path in the repository
     * @throws IOException if the marker {@code .no_exist/COMMIT/FILE} cannot be created
     * @throws IllegalArgumentException if {@code commit} is not a commit hash
     */
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

    /**
     * Writes {@code refs/REVISION} (unless the revision is the commit itself), atomically.
     *
     * @param revision the branch or tag
     * @param commit the full commit hash it stands for
     * @throws IOException if the ref cannot be written
     * @throws IllegalArgumentException if {@code commit} is not a commit hash
     */
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
     *
     * @param commit a full commit hash
     * @param file the file's path in the repository
     * @param etag the ETag of the blob, which must already be in {@code blobs/}
     * @return the snapshot path {@code snapshots/COMMIT/FILE}
     * @throws IOException if the link (or copy) cannot be made
     * @throws IllegalArgumentException if {@code commit} is not a commit hash or the ETag cannot
     *                                  name a file in the cache
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
