package org.decoder4j.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from an in-process Hub into the shared cache layout, and the cases where things go wrong. */
class HubDownloadTest {

    static final String REPO = "tiny-org/tiny-model";
    static final byte[] CONFIG = "{\"model_type\": \"gpt2\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = randomBytes(200_000, 7);

    @TempDir
    Path cacheRoot;

    HubTestServer server;
    String commit;

    @BeforeEach
    void startServer() throws IOException {
        server = HubTestServer.start();
        commit = server.repo(REPO).commit(HubTestServer.files("config.json", CONFIG, "model.safetensors", WEIGHTS));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    HubRepository repo(String ref) {
        return hub(false, null).repository(RepoRef.parse(ref));
    }

    HuggingFaceHub hub(boolean offline, String token) {
        return new HuggingFaceHub(new HubSettings(server.endpoint(), cacheRoot, offline, token));
    }

    Path folder() {
        return cacheRoot.resolve("models--tiny-org--tiny-model");
    }

    @Test
    void firstDownloadLaysOutBlobsSnapshotLinksAndRefsAsHuggingFaceHubDoes() throws IOException {
        HubRepository repo = repo(REPO);
        Path config = repo.file("config.json");
        Path weights = repo.file("model.safetensors");

        String sha = HubTestServer.sha256(WEIGHTS);
        String gitSha = HubTestServer.gitBlobSha1(CONFIG);
        assertEquals(folder().resolve("snapshots").resolve(commit).resolve("model.safetensors"), weights);
        assertTrue(Files.isSymbolicLink(weights));
        assertEquals(Path.of("..", "..", "blobs", sha), Files.readSymbolicLink(weights));
        assertEquals(Path.of("..", "..", "blobs", gitSha), Files.readSymbolicLink(config));   // W/ and quotes stripped
        assertArrayEquals(WEIGHTS, Files.readAllBytes(folder().resolve("blobs").resolve(sha)));
        assertArrayEquals(CONFIG, Files.readAllBytes(config));
        assertEquals(commit, Files.readString(folder().resolve("refs").resolve("main")));
        assertEquals(Optional.of(commit), repo.commit());
        try (var blobs = Files.list(folder().resolve("blobs"))) {
            assertEquals(List.of(gitSha, sha), blobs.map(p -> p.getFileName().toString()).sorted(
                    (a, b) -> Integer.compare(a.length(), b.length())).toList());     // no .incomplete left
        }
        // HEAD on resolve for each file; the LFS file's bytes come from the CDN host after the 302.
        List<HubTestServer.Request> asked = server.requests();
        assertEquals(List.of("HEAD /tiny-org/tiny-model/resolve/main/config.json",
                        "GET /tiny-org/tiny-model/resolve/" + commit + "/config.json",
                        "HEAD /tiny-org/tiny-model/resolve/" + commit + "/model.safetensors",
                        "GET /cdn/" + sha),
                asked.stream().map(r -> r.method() + " " + r.path()).toList());
        assertTrue(asked.get(3).host().startsWith("localhost:"), asked.get(3).toString());
    }

    @Test
    void aSecondLoadUsesTheCacheWhenTheHubIsGone() throws IOException {
        repo(REPO).file("model.safetensors");
        server.close();
        HubRepository again = repo(REPO);
        Path weights = again.file("model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(weights));
        assertTrue(again.cacheOnly());
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> again.file("vocab.json"));
        assertTrue(missing.getMessage().contains("cannot connect to") && missing.getMessage().contains("vocab.json"),
                missing.getMessage());
    }

    @Test
    void offlineModeReadsOnlyTheCacheAndNamesWhatIsMissing() throws IOException {
        HubRepository offline = hub(true, null).repository(RepoRef.parse(REPO));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> offline.file("config.json"));
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE=1") && e.getMessage().contains("config.json")
                && e.getMessage().contains(REPO + "@main") && e.getMessage().contains("models--tiny-org--tiny-model"),
                e.getMessage());
        assertEquals(List.of(), server.requests());

        repo(REPO).file("config.json");
        server.clearRequests();
        HubRepository again = hub(true, null).repository(RepoRef.parse(REPO));
        assertArrayEquals(CONFIG, Files.readAllBytes(again.file("config.json")));
        NoSuchFileException weights = assertThrows(NoSuchFileException.class, () -> again.file("model.safetensors"));
        assertTrue(weights.getMessage().contains("model.safetensors")
                && weights.getMessage().contains("snapshots/" + commit), weights.getMessage());
        assertEquals(List.of(), server.requests());
    }

    @Test
    void aRevisionPinsBranchOrCommitAndACachedCommitNeedsNoRequest() throws IOException {
        byte[] older = "{\"model_type\": \"gpt2\", \"n_layer\": 1}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String v1 = server.repo(REPO).commit("v1", HubTestServer.files("config.json", older));

        assertArrayEquals(older, Files.readAllBytes(repo(REPO + "@v1").file("config.json")));
        assertEquals(v1, Files.readString(folder().resolve("refs").resolve("v1")));
        assertArrayEquals(CONFIG, Files.readAllBytes(repo(REPO).file("config.json")));
        assertEquals(commit, Files.readString(folder().resolve("refs").resolve("main")));

        server.clearRequests();
        assertArrayEquals(older, Files.readAllBytes(repo(REPO + "@" + v1).file("config.json")));
        assertEquals(List.of(), server.requests(), "a cached commit is served without asking the Hub");
        Path weights = repo(REPO + "@" + commit).file("model.safetensors");
        assertEquals(folder().resolve("snapshots").resolve(commit).resolve("model.safetensors"), weights);
        assertEquals("/tiny-org/tiny-model/resolve/" + commit + "/model.safetensors", server.requests().get(0).path());
        assertFalse(Files.exists(folder().resolve("refs").resolve(commit)), "no ref is written for a commit");

        HubStatusException unknown = assertThrows(HubStatusException.class, () -> repo(REPO + "@v9").file("config.json"));
        assertEquals(404, unknown.status());
        assertTrue(unknown.getMessage().contains("no such revision"), unknown.getMessage());
    }

    @Test
    void anInterruptedDownloadResumesWithARangeRequest() throws IOException {
        server.dropConnections(1, 70_000);
        Path weights = repo(REPO).file("model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(weights));
        List<HubTestServer.Request> cdn = server.requests().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertEquals(2, cdn.size(), cdn::toString);
        assertNull(cdn.get(0).range());
        assertEquals("bytes=70000-", cdn.get(1).range());
    }

    @Test
    void aDownloadLeftIncompleteByAnEarlierRunIsResumed() throws IOException {
        String sha = HubTestServer.sha256(WEIGHTS);
        Path incomplete = folder().resolve("blobs").resolve(sha + ".incomplete");
        Files.createDirectories(incomplete.getParent());
        Files.write(incomplete, Arrays.copyOf(WEIGHTS, 123_456));

        Path weights = repo(REPO).file("model.safetensors");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(weights));
        assertFalse(Files.exists(incomplete));
        List<HubTestServer.Request> cdn = server.requests().stream().filter(r -> r.path().startsWith("/cdn/")).toList();
        assertEquals(1, cdn.size(), cdn::toString);
        assertEquals("bytes=123456-", cdn.get(0).range());
    }

    @Test
    void aCorruptedBlobIsDetectedAndNothingIsCached() throws IOException {
        String sha = HubTestServer.sha256(WEIGHTS);
        server.corrupt(sha);
        IOException e = assertThrows(IOException.class, () -> repo(REPO).file("model.safetensors"));
        assertTrue(e.getMessage().contains("sha256") && e.getMessage().contains(sha)
                && e.getMessage().contains("model.safetensors"), e.getMessage());
        assertFalse(Files.exists(folder().resolve("snapshots").resolve(commit).resolve("model.safetensors")));
        assertFalse(Files.exists(folder().resolve("blobs").resolve(sha)));
        assertFalse(Files.exists(folder().resolve("blobs").resolve(sha + ".incomplete")));
    }

    @Test
    void aRenamedRepositoryIsFollowedThroughItsRelativeRedirect() throws IOException {
        server.rename("old-org/old-name", REPO);
        HubRepository old = repo("old-org/old-name");
        assertArrayEquals(WEIGHTS, Files.readAllBytes(old.file("model.safetensors")));
        assertTrue(Files.isDirectory(cacheRoot.resolve("models--old-org--old-name").resolve("snapshots").resolve(commit)));
    }

    @Test
    void aPrivateRepositoryNeedsTheTokenWhichNeverGoesToTheCdn() throws IOException {
        server.requireToken(REPO, "hf_secret");
        HubStatusException refused = assertThrows(HubStatusException.class, () -> repo(REPO).file("config.json"));
        assertEquals(401, refused.status());
        assertTrue(refused.getMessage().contains("HF_TOKEN"), refused.getMessage());

        server.clearRequests();
        HubRepository withToken = hub(false, "hf_secret").repository(RepoRef.parse(REPO));
        assertArrayEquals(WEIGHTS, Files.readAllBytes(withToken.file("model.safetensors")));
        for (HubTestServer.Request r : server.requests()) {
            assertEquals(r.path().startsWith("/cdn/") ? null : "Bearer hf_secret", r.authorization(), r.toString());
        }
    }

    @Test
    void aMissingFileIsEmptyAndRecordedInNoExist() throws IOException {
        HubRepository repo = repo(REPO);
        assertEquals(Optional.empty(), repo.fileIfExists("vocab.json"));
        assertFalse(repo.exists("pytorch_model.bin"));
        assertTrue(Files.isRegularFile(folder().resolve(".no_exist").resolve(commit).resolve("vocab.json")));
        HubRepository offline = hub(true, null).repository(RepoRef.parse(REPO));
        assertEquals(Optional.empty(), offline.fileIfExists("vocab.json"), "offline, the recorded absence serves");
    }

    @Test
    void fileNamesThatLeaveTheRepositoryAreRefused() {
        HubRepository repo = repo(REPO);
        for (String bad : List.of("../x", "/etc/passwd", "a//b", "a/./b", "")) {
            assertThrows(IllegalArgumentException.class, () -> repo.file(bad), bad);
        }
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
