package org.decoder4j.data.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.decoder4j.testdata.TinyShakespeare;

class ShakespeareCorpusTest {

    @TempDir
    Path dir;

    private static byte[] corpus() throws IOException {
        return Files.readAllBytes(TinyShakespeare.path());
    }

    /** Serves {@code body} at /input.txt on a loopback port while the action runs. */
    private static void serving(byte[] body, AtomicInteger requests, ServerAction action) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/input.txt", exchange -> {
            requests.incrementAndGet();
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            action.run(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/input.txt"));
        } finally {
            server.stop(0);
        }
    }

    private interface ServerAction {
        void run(URI uri) throws Exception;
    }

    @Test
    void aCachedCopyIsUsedWithoutTheNetwork() throws Exception {
        Files.write(dir.resolve("tinyshakespeare.txt"), corpus());
        ShakespeareCorpus c = ShakespeareCorpus.standard().withCacheDir(dir)
                .withSource(URI.create("http://127.0.0.1:1/unreachable"));
        assertEquals(dir.resolve("tinyshakespeare.txt"), c.locate());
    }

    @Test
    void anExplicitFileIsUsedAsGiven() throws Exception {
        Path mine = Files.writeString(dir.resolve("mine.txt"), "any text");
        ShakespeareCorpus c = ShakespeareCorpus.standard().withCacheDir(dir.resolve("cache"));
        assertEquals(mine, c.locate(mine));
        assertThrows(NoSuchFileException.class, () -> c.locate(dir.resolve("absent.txt")));
        assertFalse(Files.exists(dir.resolve("cache")));
    }

    @Test
    void offlineAndUncachedSaysHowToPassAFile() {
        ShakespeareCorpus c = ShakespeareCorpus.standard().withCacheDir(dir)
                .withSource(URI.create("http://127.0.0.1:1/input.txt"))
                .withTimeout(Duration.ofSeconds(2));
        IOException e = assertThrows(IOException.class, c::locate);
        assertTrue(e.getMessage().startsWith("Tiny Shakespeare is not cached at " + dir.resolve("tinyshakespeare.txt")
                + " and could not be downloaded from http://127.0.0.1:1/input.txt"), e.getMessage());
        assertTrue(e.getMessage().endsWith("download it yourself and pass it with --input FILE"), e.getMessage());
    }

    @Test
    void downloadsOnceVerifiesAndCaches() throws Exception {
        byte[] body = corpus();
        AtomicInteger requests = new AtomicInteger();
        serving(body, requests, uri -> {
            ShakespeareCorpus c = ShakespeareCorpus.standard().withCacheDir(dir.resolve("cache")).withSource(uri);
            Path path = c.locate();
            assertEquals(dir.resolve("cache/tinyshakespeare.txt"), path);
            assertArrayEquals(body, Files.readAllBytes(path));
            assertEquals(path, c.locate());
            assertEquals(1, requests.get());
        });
    }

    @Test
    void aDownloadWithTheWrongChecksumIsNotCached() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        serving("not Shakespeare".getBytes(), requests, uri -> {
            ShakespeareCorpus c = ShakespeareCorpus.standard().withCacheDir(dir).withSource(uri);
            IOException e = assertThrows(IOException.class, c::locate);
            assertTrue(e.getMessage().contains("has SHA-256 "), e.getMessage());
            assertTrue(e.getMessage().contains("expected " + ShakespeareCorpus.SHA256), e.getMessage());
            assertFalse(Files.exists(c.cachedFile()));
        });
    }
}
