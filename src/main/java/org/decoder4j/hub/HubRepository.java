package org.decoder4j.hub;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One repository at one revision, whose files are fetched into the shared cache on request. The
 * first file fixes the commit the revision stands for (the Hub's {@code X-Repo-Commit}); every
 * later file is asked for at that commit, so that all come from the same one.
 *
 * <pre>{@code
 * HubRepository repo = HuggingFaceHub.fromEnvironment().repository(RepoRef.parse("openai-community/gpt2"));
 * Path weights = repo.file("model.safetensors");
 * Path dir = repo.snapshot();                        // the folder holding the files fetched so far
 * }</pre>
 *
 * <p>A revision that is a commit hash with its file in the cache is served without asking the Hub.
 * A branch or tag is looked up with a {@code HEAD} request each time (as {@code huggingface_hub}
 * does), and when the Hub cannot be reached the cached commit of {@code refs/REVISION} serves.
 * In offline mode ({@code HF_HUB_OFFLINE=1}) only the cache is read.
 */
public final class HubRepository {

    private static final Logger LOG = LoggerFactory.getLogger(HubRepository.class);
    private static final ConcurrentHashMap<Path, ReentrantLock> BLOB_LOCKS = new ConcurrentHashMap<>();

    private final HubSettings settings;
    private final RepoRef ref;
    private final HubHttp http;
    private final DownloadProgress progress;
    private final HubCache cache;
    private String commit;                  // fixed by the first file
    private boolean unreachable;            // the Hub did not answer: the cache serves the rest
    private HubUnreachableException whyUnreachable;
    private final java.util.Map<String, Optional<FileMetadata>> described = new java.util.HashMap<>();

    HubRepository(HubSettings settings, RepoRef ref, HubHttp http, DownloadProgress progress) {
        this.settings = settings;
        this.ref = ref;
        this.http = http;
        this.progress = progress;
        this.cache = new HubCache(settings.cache(), ref);
    }

    /**
     * The repository and the revision asked for.
     *
     * @return the reference this object was opened with
     */
    public RepoRef ref() {
        return ref;
    }

    /**
     * The repository's folder in the shared cache.
     *
     * @return the cache the files are fetched into
     */
    public HubCache cache() {
        return cache;
    }

    /**
     * Whether files come from the cache only (offline mode, or the Hub did not answer).
     *
     * @return true if the Hub is no longer asked
     */
    public boolean cacheOnly() {
        return settings.offline() || unreachable;
    }

    /**
     * The path of {@code file} in the snapshot folder, downloaded if needed.
     *
     * @param file the file's path in the repository, such as {@code config.json}
     * @return the file in {@code snapshots/COMMIT/}
     * @throws NoSuchFileException if the repository has no such file at this revision
     * @throws IOException if it cannot be fetched, fails its checks, or (offline) is not cached
     */
    public Path file(String file) throws IOException {
        return fileIfExists(file).orElseThrow(() -> new NoSuchFileException(settings.endpoint() + "/" + ref.repoId()
                + "/resolve/" + revision() + "/" + file, null, ref + " has no file " + file));
    }

    /**
     * Like {@link #file(String)}, but empty when the Hub says the repository has no such file (or
     * the cache recorded that it said so).
     *
     * @param file the file's path in the repository, such as {@code vocab.json}
     * @return the file in {@code snapshots/COMMIT/}, or empty if the repository has no such file
     * @throws IOException if it cannot be fetched, fails its checks, or (cache only) is not cached
     *                     and not recorded as missing
     */
    public Optional<Path> fileIfExists(String file) throws IOException {
        checkFileName(file);
        String revision = revision();
        if (cacheOnly()) {
            return fromCache(file, revision, whyUnreachable);
        }
        if (RepoRef.isCommitHash(revision)) {
            Optional<Path> cached = cache.cachedFile(revision, file);
            if (cached.isPresent()) {
                commit = revision;
                return cached;
            }
        }
        Optional<FileMetadata> described;
        try {
            described = metadata(file);
        } catch (HubUnreachableException e) {
            return fromCache(file, revision, e);
        }
        if (described.isEmpty()) {
            return Optional.empty();
        }
        FileMetadata meta = described.get();
        HubCache.tagCacheRoot(settings.cache());
        if (meta.location().equals(resolveUrl(revision, file))) {
            // fetched at the commit the HEAD named, so that the bytes match its ETag even if the branch moves
            meta = new FileMetadata(meta.commit(), meta.etag(), meta.size(), resolveUrl(meta.commit(), file), meta.lfs());
        }
        Path blob = cache.blob(meta.etag());
        ReentrantLock lock = BLOB_LOCKS.computeIfAbsent(blob, b -> new ReentrantLock());
        lock.lock();
        try (FileChannel lockFile = lockFile(meta.etag()); FileLock held = lockFile.lock()) {
            new BlobDownload(http, settings.endpoint(), progress)
                    .fetch(file, meta, cache.incompleteBlob(meta.etag()), blob);
            return Optional.of(cache.link(meta.commit(), file, meta.etag()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the repository has {@code file} at this revision, asked with a {@code HEAD} request
     * (nothing is downloaded); from the cache in cache-only mode or for a cached commit.
     *
     * @param file the file's path in the repository
     * @return true if the repository has the file (in cache-only mode: if the cache has it)
     * @throws IOException if the Hub answers with an error other than "no such file", or the
     *                     cache cannot be read
     */
    public boolean exists(String file) throws IOException {
        checkFileName(file);
        if (cacheOnly() || RepoRef.isCommitHash(revision()) && cache.cachedFile(revision(), file).isPresent()) {
            return cache.cachedFile(revision(), file).isPresent();
        }
        try {
            return metadata(file).isPresent();
        } catch (HubUnreachableException e) {
            return cache.cachedFile(revision(), file).isPresent();
        }
    }

    /**
     * The size the Hub announces for {@code file}, if it exists and the Hub says.
     *
     * @param file the file's path in the repository
     * @return its size in bytes (of the cached copy in cache-only mode), or empty if it does not
     *         exist or its size is unknown
     * @throws IOException if the Hub answers with an error other than "no such file", or the
     *                     cache cannot be read
     */
    public Optional<Long> size(String file) throws IOException {
        checkFileName(file);
        Optional<Path> cached = cache.cachedFile(revision(), file);
        if (cacheOnly() || RepoRef.isCommitHash(revision()) && cached.isPresent()) {
            return cached.isPresent() ? Optional.of(java.nio.file.Files.size(cached.get())) : Optional.empty();
        }
        try {
            return metadata(file).map(FileMetadata::size).filter(n -> n >= 0);
        } catch (HubUnreachableException e) {
            return cached.isPresent() ? Optional.of(java.nio.file.Files.size(cached.get())) : Optional.empty();
        }
    }

    /**
     * What the Hub says about {@code file} at this revision (empty if it has no such file); asked
     * once per file and repository object.
     *
     * @param file the file's path in the repository
     * @return the file's commit, ETag, size and download address, or empty if it does not exist
     * @throws IOException if the Hub answers with an error, or for another commit than the one
     *                     fixed by an earlier file
     * @throws HubUnreachableException if the Hub does not answer (later calls then use the cache only)
     * @throws IllegalStateException in offline mode
     */
    public Optional<FileMetadata> metadata(String file) throws IOException {
        checkFileName(file);
        if (settings.offline()) {
            throw new IllegalStateException("offline (HF_HUB_OFFLINE=1): the Hub is not asked about " + file);
        }
        Optional<FileMetadata> known = described.get(file);
        if (known != null) {
            return known;
        }
        String revision = revision();
        String what = ref.repoId() + "@" + revision + ": " + file;
        HubHttp.Head head;
        try {
            head = http.head(resolveUrl(revision, file), what);
        } catch (HubUnreachableException e) {
            unreachable = true;
            whyUnreachable = e;
            LOG.warn("{}; using the cache in {}", e.getMessage(), cache.folder());
            throw e;
        }
        if (head.metadata().isEmpty()) {
            if (head.commit() != null && RepoRef.isCommitHash(head.commit())) {
                fixCommit(revision, head.commit());
                cache.markMissing(head.commit(), file);
            }
        } else {
            String hubCommit = head.metadata().get().commit();
            if (!RepoRef.isCommitHash(hubCommit)) {
                throw new IOException(what + ": the Hub's X-Repo-Commit '" + hubCommit + "' is not a commit hash");
            }
            fixCommit(revision, hubCommit);
        }
        described.put(file, head.metadata());
        return head.metadata();
    }

    /**
     * The commit the revision stands for, once a file has fixed it.
     *
     * @return the full commit hash, or empty before the first file
     */
    public Optional<String> commit() {
        return Optional.ofNullable(commit);
    }

    /**
     * The snapshot folder of the commit, which holds the files fetched so far.
     *
     * @return {@code snapshots/COMMIT} in the cache
     * @throws IllegalStateException before any file was fetched
     */
    public Path snapshot() {
        if (commit == null) {
            throw new IllegalStateException(ref + ": no file fetched yet, so its commit is not known");
        }
        return cache.snapshot(commit);
    }

    /**
     * The address a file is resolved at: {@code {endpoint}/{repo}/resolve/{revision}/{file}}.
     *
     * @param revision a branch, tag or commit hash
     * @param file the file's path in the repository
     * @return the address, with the revision and each path segment URL-encoded
     */
    public URI resolveUrl(String revision, String file) {
        String path = Arrays.stream(file.split("/")).map(HubRepository::encode).collect(Collectors.joining("/"));
        return URI.create(settings.endpoint() + "/" + ref.repoId() + "/resolve/" + encode(revision) + "/" + path);
    }

    private String revision() {
        return commit != null ? commit : ref.revision();
    }

    private void fixCommit(String revision, String hubCommit) throws IOException {
        if (commit == null) {
            cache.writeRef(ref.revision(), hubCommit);
            commit = hubCommit;
            LOG.debug("{} is commit {}", ref, hubCommit);
        } else if (!commit.equals(hubCommit)) {
            throw new IOException(ref.repoId() + "@" + revision + ": the Hub answered for commit " + hubCommit
                    + ", not the requested " + commit);
        }
    }

    private Optional<Path> fromCache(String file, String revision, IOException why) throws IOException {
        Optional<Path> cached = cache.cachedFile(revision, file);
        if (cached.isPresent()) {
            commit = cache.commitOf(revision).orElseThrow();
            return cached;
        }
        if (cache.knownMissing(revision, file)) {
            commit = cache.commitOf(revision).orElseThrow();
            return Optional.empty();
        }
        Optional<String> known = cache.commitOf(revision);
        String where = known.map(c -> cache.snapshot(c).toString())
                .orElse(cache.folder() + " (no refs/" + revision + " nor snapshot of it)");
        String reason = why == null ? "offline (HF_HUB_OFFLINE=1)" : why.getMessage();
        throw new NoSuchFileException(file, null, reason + ", and " + file + " of " + ref.repoId() + "@" + revision
                + " is not in the cache: " + where + "; download it once with the Hub reachable"
                + (why == null ? " and HF_HUB_OFFLINE unset" : ""));
    }

    private FileChannel lockFile(String etag) throws IOException {
        Path lock = settings.cache().resolve(".locks").resolve(ref.cacheFolderName()).resolve(etag + ".lock");
        java.nio.file.Files.createDirectories(lock.getParent());
        return FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    private void checkFileName(String file) {
        if (file == null || file.isEmpty() || file.startsWith("/") || file.contains("\\")
                || Arrays.asList(file.split("/", -1)).stream().anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals(".."))) {
            throw new IllegalArgumentException("'" + file + "' is not a file name inside a repository");
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
