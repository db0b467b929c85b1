package org.decoder4j.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment variables read as huggingface_hub reads them, and repository references. */
class HubSettingsTest {

    @TempDir
    Path home;

    @Test
    void defaultsAreThePublicHubAndTheUsersCache() {
        HubSettings s = HubSettings.fromEnvironment(Map.of(), home);
        assertEquals(URI.create("https://huggingface.co"), s.endpoint());
        assertEquals(home.resolve(".cache/huggingface/hub"), s.cache());
        assertFalse(s.offline());
        assertNull(s.token());
    }

    @Test
    void hfHubCacheWinsOverHfHomeWhichWinsOverXdg() {
        assertEquals(Path.of("/x/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/x"), home).cache());
        assertEquals(Path.of("/c"), HubSettings.fromEnvironment(Map.of("HF_HOME", "/x", "HF_HUB_CACHE", "/c"), home).cache());
        assertEquals(Path.of("/xdg/huggingface/hub"),
                HubSettings.fromEnvironment(Map.of("XDG_CACHE_HOME", "/xdg"), home).cache());
        assertEquals(home.resolve("h/hub"), HubSettings.fromEnvironment(Map.of("HF_HOME", "~/h"), home).cache());
    }

    @Test
    void endpointOfflineAndToken() throws Exception {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "http://127.0.0.1:8080/",
                "HF_HUB_OFFLINE", "1", "HF_TOKEN", "hf_abc"), home);
        assertEquals(URI.create("http://127.0.0.1:8080"), s.endpoint());
        assertTrue(s.offline());
        assertEquals("hf_abc", s.token());
        assertFalse(s.toString().contains("hf_abc"), "the token is never logged");
        for (String yes : new String[] {"1", "true", "ON", "yes"}) {
            assertTrue(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", yes), home).offline(), yes);
        }
        for (String no : new String[] {"0", "false", "", "off"}) {
            assertFalse(HubSettings.fromEnvironment(Map.of("HF_HUB_OFFLINE", no), home).offline(), no);
        }
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_from_login\n");
        assertEquals("hf_from_login", HubSettings.fromEnvironment(Map.of(), home).token());
        assertEquals("hf_abc", HubSettings.fromEnvironment(Map.of("HF_TOKEN", "hf_abc"), home).token());
        assertThrows(IllegalArgumentException.class,
                () -> HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x"), home));
    }

    @Test
    void repositoryReferences() {
        assertEquals(new RepoRef("openai-community/gpt2", "main"), RepoRef.parse("openai-community/gpt2"));
        assertEquals(new RepoRef("gpt2", "v1.0"), RepoRef.parse("gpt2@v1.0"));
        RepoRef pinned = RepoRef.parse("openai-community/gpt2@607a30d783dfa663caf39e06633721c8d4cfcd7e");
        assertTrue(pinned.isCommit());
        assertEquals("models--openai-community--gpt2", pinned.cacheFolderName());
        for (String bad : new String[] {"a/b/c", "a--b/c", "../x", "a/b@", "/x", "a b/c", "a/..b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RepoRef.parse(bad), bad);
            assertTrue(e.getMessage().contains("'"), e.getMessage());
        }
    }

    @Test
    void etagsLoseQuotesAndTheWeakPrefix() {
        assertEquals("abc", FileMetadata.normalizeEtag("W/\"abc\""));
        assertEquals("abc", FileMetadata.normalizeEtag("\"abc\""));
        assertEquals("abc", FileMetadata.normalizeEtag("abc"));
        assertNull(FileMetadata.normalizeEtag(null));
    }
}
