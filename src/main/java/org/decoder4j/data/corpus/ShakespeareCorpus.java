package org.decoder4j.data.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import org.decoder4j.io.AtomicWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Tiny Shakespeare corpus (1,115,394 characters): an explicitly given file if there is
 * one, else the cached copy, else a one-time download from its public address, checked against
 * its SHA-256 and cached.
 *
 * <pre>{@code
 * Path text = ShakespeareCorpus.standard().locate();                 // cached or downloaded
 * Path mine = ShakespeareCorpus.standard().locate(Path.of("input.txt"));   // used as given
 * Path test = ShakespeareCorpus.standard().withCacheDir(tmp).locate();
 * }</pre>
 *
 * <p>The default cache is {@code ~/.cache/decoder4j/tinyshakespeare.txt}.
 */
public final class ShakespeareCorpus {

    /** The corpus's public address (Andrej Karpathy's char-rnn repository). */
    public static final URI SOURCE = URI.create(
            "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt");

    /** SHA-256 of the corpus file. */
    public static final String SHA256 = "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed";

    /** Name of the cached copy inside the cache directory. */
    public static final String FILE_NAME = "tinyshakespeare.txt";

    private static final long MAX_DOWNLOAD_BYTES = 16L << 20;
    private static final Logger LOG = LoggerFactory.getLogger(ShakespeareCorpus.class);

    private final Path cacheDir;
    private final URI source;
    private final Duration timeout;

    private ShakespeareCorpus(Path cacheDir, URI source, Duration timeout) {
        this.cacheDir = cacheDir;
        this.source = source;
        this.timeout = timeout;
    }

    /**
     * The corpus from {@link #SOURCE}, cached in {@code ~/.cache/decoder4j}, with a 30 s timeout.
     *
     * @return the standard corpus locator
     */
    public static ShakespeareCorpus standard() {
        return new ShakespeareCorpus(Path.of(System.getProperty("user.home"), ".cache", "decoder4j"),
                SOURCE, Duration.ofSeconds(30));
    }

    /**
     * The same, caching in {@code dir} instead.
     *
     * @param dir the cache directory
     * @return the new locator
     */
    public ShakespeareCorpus withCacheDir(Path dir) {
        return new ShakespeareCorpus(Objects.requireNonNull(dir, "dir"), source, timeout);
    }

    /**
     * The same, downloading from {@code uri} instead (a mirror); the checksum still applies.
     *
     * @param uri where to download the corpus from
     * @return the new locator
     */
    public ShakespeareCorpus withSource(URI uri) {
        return new ShakespeareCorpus(cacheDir, Objects.requireNonNull(uri, "uri"), timeout);
    }

    /**
     * The same, with another connect and download timeout.
     *
     * @param limit the timeout of the connection and of the download
     * @return the new locator
     */
    public ShakespeareCorpus withTimeout(Duration limit) {
        return new ShakespeareCorpus(cacheDir, source, Objects.requireNonNull(limit, "limit"));
    }

    /**
     * Where the cached copy is or will be.
     *
     * @return the cached file's path
     */
    public Path cachedFile() {
        return cacheDir.resolve(FILE_NAME);
    }

    /**
     * The given file if not null, else {@link #locate()}.
     *
     * @throws NoSuchFileException if {@code explicitFile} is given but does not exist
     * @param explicitFile a file given by the user, or null
     * @return the file to read
     */
    public Path locate(Path explicitFile) throws IOException {
        if (explicitFile == null) {
            return locate();
        }
        if (!Files.isRegularFile(explicitFile)) {
            throw new NoSuchFileException(explicitFile.toString(), null, "input text file not found");
        }
        return explicitFile;
    }

    /**
     * The cached copy, downloading it first if it is missing or damaged.
     *
     * @throws IOException if it is not cached and cannot be downloaded; the message says how to
     *     pass a local copy instead
     * @return the cached file
     */
    public Path locate() throws IOException {
        Path cached = cachedFile();
        if (Files.isRegularFile(cached)) {
            if (SHA256.equals(sha256(Files.readAllBytes(cached)))) {
                return cached;
            }
            LOG.warn("{} does not match the expected SHA-256; downloading it again", cached);
        }
        byte[] body;
        try {
            body = download();
        } catch (InterruptedIOException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("Tiny Shakespeare is not cached at " + cached + " and could not be downloaded from "
                    + source + " (" + e + "); download it yourself and pass it with --input FILE", e);
        }
        String actual = sha256(body);
        if (!SHA256.equals(actual)) {
            throw new IOException("the file downloaded from " + source + " has SHA-256 " + actual + ", expected "
                    + SHA256 + "; nothing was cached. Pass a good copy with --input FILE");
        }
        AtomicWrite.write(cached, body);
        LOG.info("downloaded Tiny Shakespeare ({} bytes) to {}", body.length, cached);
        return cached;
    }

    private byte[] download() throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(source).timeout(timeout).GET().build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP status " + response.statusCode());
                }
                byte[] body = in.readNBytes((int) MAX_DOWNLOAD_BYTES + 1);
                if (body.length > MAX_DOWNLOAD_BYTES) {
                    throw new IOException("response larger than " + MAX_DOWNLOAD_BYTES + " bytes");
                }
                return body;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading " + source);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
