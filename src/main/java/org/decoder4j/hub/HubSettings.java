package org.decoder4j.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Hub is and where its files are cached, read from the environment variables that
 * Python's {@code huggingface_hub} reads, so that both share one cache:
 *
 * <ul>
 *   <li>{@code HF_ENDPOINT}: the Hub's address (default {@code https://huggingface.co});</li>
 *   <li>{@code HF_HUB_CACHE}: the cache folder; else {@code HF_HOME/hub}; else
 *       {@code ~/.cache/huggingface/hub} (or {@code XDG_CACHE_HOME/huggingface/hub});</li>
 *   <li>{@code HF_HUB_OFFLINE=1}: never ask the Hub, use the cache only;</li>
 *   <li>{@code HF_TOKEN}: an access token for gated or private repositories, sent as
 *       {@code Authorization: Bearer}; else the token file {@code HF_HOME/token} that
 *       {@code hf auth login} writes, if there is one.</li>
 * </ul>
 *
 * <pre>{@code
 * HubSettings hub = HubSettings.fromEnvironment();
 * HubSettings local = hub.withEndpoint(URI.create("http://127.0.0.1:8080")).withCache(Path.of("cache"));
 * }</pre>
 *
 * @param endpoint the Hub's base address, without a trailing slash
 * @param cache the cache folder holding {@code models--ORG--NAME} folders
 * @param offline whether to use the cache only
 * @param token the access token, or null for none
 */
public record HubSettings(URI endpoint, Path cache, boolean offline, String token) {

    /** The public Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    /**
     * Checks the endpoint, drops its trailing slashes and turns a blank token into none.
     *
     * @param endpoint the Hub's base address, http or https
     * @param cache the cache folder holding {@code models--ORG--NAME} folders
     * @param offline whether to use the cache only
     * @param token the access token, or null (or blank) for none
     * @throws IllegalArgumentException if the endpoint is not an http(s) address with a host
     * @throws NullPointerException if the endpoint or the cache is null
     */
    public HubSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cache, "cache");
        String scheme = endpoint.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("Hub endpoint '" + endpoint + "' is not an http(s) address");
        }
        String text = endpoint.toString();
        if (text.endsWith("/")) {
            endpoint = URI.create(text.replaceAll("/+$", ""));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
    }

    /**
     * The settings of this process's environment.
     *
     * @return the settings the environment variables and the user's home folder give
     * @throws IllegalArgumentException if HF_ENDPOINT is not an http(s) address
     */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /**
     * The settings a process with environment {@code env} and home folder {@code home} gets.
     *
     * @param env the environment variables, by name
     * @param home the user's home folder, for the default cache and for a cache path starting with {@code ~}
     * @return the settings those variables give
     * @throws IllegalArgumentException if HF_ENDPOINT is not an http(s) address
     */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        String endpointText = nonEmpty(env.get("HF_ENDPOINT")).orElse(DEFAULT_ENDPOINT.toString());
        URI endpoint;
        try {
            endpoint = URI.create(endpointText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT '" + endpointText + "' is not an address", e);
        }
        Path hfHome = nonEmpty(env.get("HF_HOME")).map(Path::of)
                .orElseGet(() -> nonEmpty(env.get("XDG_CACHE_HOME")).map(Path::of).orElse(home.resolve(".cache"))
                        .resolve("huggingface"));
        Path cache = nonEmpty(env.get("HF_HUB_CACHE")).map(Path::of).orElse(hfHome.resolve("hub"));
        boolean offline = isTrue(env.get("HF_HUB_OFFLINE"));
        String token = nonEmpty(env.get("HF_TOKEN")).orElseGet(() -> tokenFile(hfHome));
        return new HubSettings(endpoint, expandHome(cache, home), offline, token);
    }

    /**
     * The same settings with another Hub address.
     *
     * @param newEndpoint the Hub's base address, http or https
     * @return the new settings
     * @throws IllegalArgumentException if the address is not an http(s) address with a host
     */
    public HubSettings withEndpoint(URI newEndpoint) {
        return new HubSettings(newEndpoint, cache, offline, token);
    }

    /**
     * The same settings with another cache folder.
     *
     * @param newCache the cache folder holding {@code models--ORG--NAME} folders
     * @return the new settings
     */
    public HubSettings withCache(Path newCache) {
        return new HubSettings(endpoint, newCache, offline, token);
    }

    /**
     * The same settings, offline or not.
     *
     * @param newOffline whether to use the cache only
     * @return the new settings
     */
    public HubSettings withOffline(boolean newOffline) {
        return new HubSettings(endpoint, cache, newOffline, token);
    }

    /**
     * The same settings with another access token.
     *
     * @param newToken the access token, or null (or blank) for none
     * @return the new settings
     */
    public HubSettings withToken(String newToken) {
        return new HubSettings(endpoint, cache, offline, newToken);
    }

    /** huggingface_hub's reading of a boolean variable: 1, ON, YES or TRUE in any case. */
    static boolean isTrue(String value) {
        return value != null && switch (value.trim().toUpperCase(java.util.Locale.ROOT)) {
            case "1", "ON", "YES", "TRUE" -> true;
            default -> false;
        };
    }

    private static Optional<String> nonEmpty(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static String tokenFile(Path hfHome) {
        Path file = hfHome.resolve("token");
        try {
            return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static Path expandHome(Path path, Path home) {
        String text = path.toString();
        return text.equals("~") ? home : text.startsWith("~/") ? home.resolve(text.substring(2)) : path;
    }

    /** Leaves the token out, so that settings can be logged. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", cache=" + cache + ", offline=" + offline + ", token="
                + (token == null ? "none" : "set") + "]";
    }
}
