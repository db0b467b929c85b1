package org.decoder4j.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for the Hugging Face Hub, answering as the Hub does:
 * {@code HEAD|GET /ORG/NAME/resolve/REVISION/FILE} with {@code X-Repo-Commit} and {@code ETag}
 * (the Git blob hash) for a small file; for a file in Git LFS ({@code *.safetensors},
 * {@code *.bin}) a 302 to a CDN address on another host name ({@code localhost} instead of
 * {@code 127.0.0.1}, and another port) with {@code X-Linked-Etag} (the sha256) and
 * {@code X-Linked-Size}; the CDN path {@code /cdn/SHA256} serves the bytes with {@code Range} support. A renamed repository
 * answers 307 with a relative address; errors carry {@code X-Error-Code} as the Hub's do.
 *
 * <pre>{@code
 * try (HubTestServer hub = HubTestServer.start()) {
 *     String commit = hub.repo("org/tiny").commit(Map.of("config.json", bytes));   // also branch main
 *     URI endpoint = hub.endpoint();
 * }
 * }</pre>
 *
 * <p>Faults on request: drop the connection after some bytes of the next CDN downloads, send
 * corrupted bytes for a blob. Every request is recorded.
 */
public final class HubTestServer implements AutoCloseable {

    /** One request as the server saw it. */
    public record Request(String method, String path, String host, String range, String authorization) {
    }

    /** A repository: commits (file trees) and the branches and tags that point at them. */
    public static final class Repo {
        final Map<String, String> refs = new ConcurrentHashMap<>();
        final Map<String, Map<String, byte[]>> commits = new ConcurrentHashMap<>();
        private int next;
        private final String id;

        Repo(String id) {
            this.id = id;
        }

        /** Adds a commit holding {@code files}, moves {@code main} to it, and returns its hash. */
        public String commit(Map<String, byte[]> files) {
            return commit("main", files);
        }

        /** Adds a commit holding {@code files}, points {@code branch} at it, and returns its hash. */
        public synchronized String commit(String branch, Map<String, byte[]> files) {
            String hash = hex(sha("SHA-1", (id + "#" + (next++) + files.keySet()).getBytes(StandardCharsets.UTF_8)));
            commits.put(hash, new LinkedHashMap<>(files));
            refs.put(branch, hash);
            return hash;
        }
    }

    private static final Pattern RESOLVE = Pattern.compile("/([^/]+/[^/]+)/resolve/([^/]+)/(.+)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ServerSocket cdnSocket;                 // the CDN: plain sockets, so a connection can be dropped
    private final ExecutorService executor;
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger dropsLeft = new AtomicInteger();
    private volatile long dropAfter;
    private final Map<String, Boolean> corrupted = new ConcurrentHashMap<>();

    private HubTestServer(HttpServer server, ServerSocket cdnSocket, ExecutorService executor) {
        this.server = server;
        this.cdnSocket = cdnSocket;
        this.executor = executor;
    }

    /** Starts a server on a free port of 127.0.0.1. */
    public static HubTestServer start() throws IOException {
        return start(0);
    }

    /** Starts a server on {@code port} of 127.0.0.1 (0: a free one). */
    public static HubTestServer start(int port) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "hub-test-server");
            t.setDaemon(true);
            return t;
        });
        ServerSocket cdn = new ServerSocket(0, 16, InetAddress.getByName("127.0.0.1"));
        HubTestServer hub = new HubTestServer(http, cdn, executor);
        http.createContext("/", hub::handle);
        http.setExecutor(executor);
        http.start();
        Thread acceptor = new Thread(hub::acceptCdnConnections, "hub-test-cdn");
        acceptor.setDaemon(true);
        acceptor.start();
        return hub;
    }

    /** The Hub's address: {@code http://127.0.0.1:PORT}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** The repository {@code id}, created empty if new. */
    public Repo repo(String id) {
        return repos.computeIfAbsent(id, Repo::new);
    }

    /** Adds every regular file of {@code dir} as one commit of {@code id} on {@code main}; returns the hash. */
    public String publish(String id, Path dir, String... leaveOut) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (var list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                if (Files.isRegularFile(p) && !Arrays.asList(leaveOut).contains(p.getFileName().toString())) {
                    files.put(p.getFileName().toString(), Files.readAllBytes(p));
                }
            }
        }
        return repo(id).commit(files);
    }

    /** Requests for {@code oldId} are redirected (307, relative) to {@code newId}. */
    public void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    /** Makes {@code id} private: only {@code Authorization: Bearer token} sees it. */
    public void requireToken(String id, String token) {
        tokens.put(id, token);
    }

    /** The next {@code times} CDN downloads send {@code bytes} bytes and then drop the connection. */
    public void dropConnections(int times, long bytes) {
        dropAfter = bytes;
        dropsLeft.set(times);
    }

    /** The CDN serves the blob with this sha256 with one byte changed. */
    public void corrupt(String sha256) {
        corrupted.put(sha256, true);
    }

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    public void clearRequests() {
        requests.clear();
    }

    /** Git's blob hash of a small file: sha1 of {@code "blob LENGTH\0"} and the bytes. */
    public static String gitBlobSha1(byte[] content) {
        byte[] head = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = Arrays.copyOf(head, head.length + content.length);
        System.arraycopy(content, 0, all, head.length, content.length);
        return hex(sha("SHA-1", all));
    }

    public static String sha256(byte[] content) {
        return hex(sha("SHA-256", content));
    }

    /** Whether the Hub keeps this file in Git LFS. */
    public static boolean isLfs(String file) {
        return file.endsWith(".safetensors") || file.endsWith(".bin");
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            cdnSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ answers

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Request(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Host"),
                ex.getRequestHeaders().getFirst("Range"), ex.getRequestHeaders().getFirst("Authorization")));
        try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
        }
        try {
            resolve(ex, path);
        } finally {
            ex.close();
        }
    }

    private void resolve(HttpExchange ex, String rawPath) throws IOException {
        Matcher m = RESOLVE.matcher(rawPath);
        if (!m.matches()) {
            error(ex, 404, null, null);
            return;
        }
        String id = m.group(1);
        String revision = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        String file = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
        if (renamed.containsKey(id)) {
            ex.getResponseHeaders().set("Location", "/" + renamed.get(id) + "/resolve/" + m.group(2) + "/" + m.group(3));
            send(ex, 307, new byte[0]);
            return;
        }
        Repo repo = repos.get(id);
        String token = tokens.get(id);
        if (repo == null || token != null && !("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            error(ex, 401, "RepositoryNotFound", null);
            return;
        }
        String commit = repo.commits.containsKey(revision) ? revision : repo.refs.get(revision);
        if (commit == null) {
            error(ex, 404, "RevisionNotFound", null);
            return;
        }
        byte[] content = repo.commits.get(commit).get(file);
        if (content == null) {
            error(ex, 404, "EntryNotFound", commit);
            return;
        }
        ex.getResponseHeaders().set("X-Repo-Commit", commit);
        if (isLfs(file)) {
            String sha = sha256(content);
            blobs.put(sha, content);
            ex.getResponseHeaders().set("ETag", "\"" + gitBlobSha1(("version https://git-lfs.github.com/spec/v1\noid sha256:"
                    + sha + "\nsize " + content.length + "\n").getBytes(StandardCharsets.UTF_8)) + "\"");
            ex.getResponseHeaders().set("X-Linked-Etag", "\"" + sha + "\"");
            ex.getResponseHeaders().set("X-Linked-Size", Long.toString(content.length));
            ex.getResponseHeaders().set("Location", "http://localhost:" + cdnSocket.getLocalPort() + "/cdn/" + sha);
            send(ex, 302, new byte[0]);
            return;
        }
        ex.getResponseHeaders().set("ETag", "W/\"" + gitBlobSha1(content) + "\"");
        send(ex, 200, content);
    }

    private void acceptCdnConnections() {
        while (!cdnSocket.isClosed()) {
            try {
                Socket socket = cdnSocket.accept();
                executor.submit(() -> cdnConnection(socket));
            } catch (IOException | java.util.concurrent.RejectedExecutionException closed) {
                return;
            }
        }
    }

    /** One request per connection ({@code Connection: close}): GET /cdn/SHA256, with Range support. */
    private void cdnConnection(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            String requestLine = line(in);
            Map<String, String> headers = new HashMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.put(h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), h.substring(colon + 1).trim());
                }
            }
            if (requestLine == null) {
                return;
            }
            String[] parts = requestLine.split(" ");
            String path = parts.length > 1 ? parts[1] : "";
            requests.add(new Request(parts[0], path, headers.get("host"), headers.get("range"), headers.get("authorization")));
            OutputStream out = socket.getOutputStream();
            byte[] content = path.startsWith("/cdn/") ? blobs.get(path.substring("/cdn/".length())) : null;
            if (content == null) {
                respond(out, "404 Not Found", "", new byte[0], -1);
                return;
            }
            if (corrupted.containsKey(path.substring("/cdn/".length()))) {
                content = content.clone();
                content[content.length / 2] ^= 0x5a;
            }
            long from = 0;
            Matcher m = headers.containsKey("range") ? RANGE.matcher(headers.get("range")) : null;
            if (m != null && m.matches()) {
                from = Long.parseLong(m.group(1));
            }
            if (from >= content.length && content.length > 0) {
                respond(out, "416 Range Not Satisfiable", "Content-Range: bytes */" + content.length + "\r\n", new byte[0], -1);
                return;
            }
            byte[] part = Arrays.copyOfRange(content, (int) from, content.length);
            String status = from > 0 ? "206 Partial Content" : "200 OK";
            String extra = "Accept-Ranges: bytes\r\n" + (from > 0
                    ? "Content-Range: bytes " + from + "-" + (content.length - 1) + "/" + content.length + "\r\n" : "");
            long cut = dropsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? Math.min(dropAfter, part.length) : -1;
            respond(out, status, extra, part, cut);           // after `cut` bytes the socket closes: a dropped connection
        } catch (IOException ignored) {
            // the client went away
        }
    }

    private static void respond(OutputStream out, String status, String headers, byte[] body, long cut) throws IOException {
        String head = "HTTP/1.1 " + status + "\r\nContent-Length: " + body.length + "\r\n" + headers
                + "Connection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, (int) (cut >= 0 ? cut : body.length));
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c = in.read(); c >= 0; c = in.read()) {
            if (c == '\n') {
                return sb.toString().replaceAll("\r$", "");
            }
            sb.append((char) c);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private void error(HttpExchange ex, int status, String code, String commit) throws IOException {
        if (code != null) {
            ex.getResponseHeaders().set("X-Error-Code", code);
            ex.getResponseHeaders().set("X-Error-Message", code.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase());
        }
        if (commit != null) {
            ex.getResponseHeaders().set("X-Repo-Commit", commit);
        }
        send(ex, status, new byte[0]);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] sha(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** Serves {@code DIR} as repository {@code ORG/NAME} until stopped: {@code HubTestServer PORT ORG/NAME DIR}. */
    public static void main(String[] args) throws Exception {
        HubTestServer hub = start(Integer.parseInt(args[0]));
        String commit = hub.publish(args[1], Path.of(args[2]));
        System.out.println("serving " + args[1] + " at " + hub.endpoint() + " (main = " + commit + ")");
        Thread.currentThread().join();
    }

    static Map<String, byte[]> files(Object... nameThenBytes) {
        Map<String, byte[]> m = new HashMap<>();
        for (int i = 0; i < nameThenBytes.length; i += 2) {
            Object v = nameThenBytes[i + 1];
            m.put((String) nameThenBytes[i], v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : (byte[]) v);
        }
        return m;
    }
}
