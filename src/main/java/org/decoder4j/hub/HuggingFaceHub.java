package org.decoder4j.hub;

import java.time.Duration;
import java.util.Objects;

/**
 * Downloads files of Hugging Face Hub repositories into the cache that Python's
 * {@code huggingface_hub} uses, with its environment variables, layout and checks (see
 * {@link HubSettings} and {@link HubCache}): a model one ecosystem downloaded, the other finds.
 *
 * <pre>{@code
 * HuggingFaceHub hub = HuggingFaceHub.fromEnvironment();
 * HubRepository gpt2 = hub.repository(RepoRef.parse("openai-community/gpt2"));
 * Path config = gpt2.file("config.json");           // .../snapshots/COMMIT/config.json
 * Optional<Path> vocab = gpt2.fileIfExists("vocab.json");
 * }</pre>
 *
 * <p>Progress is logged through SLF4J unless {@link #withProgress(DownloadProgress)} says otherwise.
 * Instances are immutable; a {@link HubRepository} is for one thread.
 */
public final class HuggingFaceHub {

    /** How long to wait for a connection or an answer. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HubSettings settings;
    private final DownloadProgress progress;
    private final HubHttp http;

    /**
     * A Hub with the given settings, logging download progress.
     *
     * @param settings the Hub's address, the cache folder, offline mode and access token
     */
    public HuggingFaceHub(HubSettings settings) {
        this(settings, DownloadProgress.logging());
    }

    private HuggingFaceHub(HubSettings settings, DownloadProgress progress) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.http = new HubHttp(settings.token(), TIMEOUT);
    }

    /**
     * The Hub and cache of this process's environment ({@link HubSettings#fromEnvironment()}).
     *
     * @return a Hub with the environment's settings
     * @throws IllegalArgumentException if HF_ENDPOINT is not an http(s) address
     */
    public static HuggingFaceHub fromEnvironment() {
        return new HuggingFaceHub(HubSettings.fromEnvironment());
    }

    /**
     * The same Hub, reporting download progress to {@code listener}.
     *
     * @param listener hears the bytes of each file as they arrive
     * @return a new Hub with the same settings
     */
    public HuggingFaceHub withProgress(DownloadProgress listener) {
        return new HuggingFaceHub(settings, listener);
    }

    /**
     * Where the Hub is and where its files are cached.
     *
     * @return the settings this Hub was made with
     */
    public HubSettings settings() {
        return settings;
    }

    /**
     * A repository at a revision; nothing is asked until a file is.
     *
     * @param ref the repository and its revision
     * @return the repository, for use by one thread
     */
    public HubRepository repository(RepoRef ref) {
        return new HubRepository(settings, ref, http, progress);
    }
}
