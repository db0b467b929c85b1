package org.decoder4j.testdata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Tiny Shakespeare file for the tests that need it byte for byte (its hash, nanoGPT's
 * token counts, tiktoken fixtures). Looked up in this order:
 *
 * <ol>
 *   <li>the system property {@code decoder4j.shakespeare} or the environment variable
 *       {@code DECODER4J_SHAKESPEARE}, a path to the file;</li>
 *   <li>{@code ../shared/data/tinyshakespeare.txt} (where CI keeps it);</li>
 *   <li>the command line's cache, {@code ~/.cache/decoder4j/tinyshakespeare.txt}, checked against
 *       its SHA-256 and downloaded into that cache from its public address when missing.</li>
 * </ol>
 *
 * Only when all of these fail (offline, nothing cached) is the calling test skipped, with a
 * message saying how to provide the file. Tests that need only some text use
 * {@link GeneratedPlay} instead and always run.
 */
public final class TinyShakespeare {

    /** System property naming the corpus file. */
    public static final String PROPERTY = "decoder4j.shakespeare";
    /** Environment variable naming the corpus file. */
    public static final String ENVIRONMENT = "DECODER4J_SHAKESPEARE";
    /** Where CI keeps the corpus, relative to the project directory. */
    public static final Path SHARED = Path.of("../shared/data/tinyshakespeare.txt");

    private static volatile Path found;
    /** Why the corpus could not be had, once that is known: later tests skip without trying again. */
    private static volatile String unavailable;

    private TinyShakespeare() {
    }

    /**
     * The corpus file; skips the calling test when it cannot be had (tried once per test run).
     *
     * @return the corpus file
     */
    public static Path path() {
        Path p = found;
        if (p == null) {
            synchronized (TinyShakespeare.class) {
                if (found == null && unavailable == null) {
                    found = locate();
                }
                p = found;
            }
        }
        if (p == null) {
            Assumptions.abort(unavailable);
        }
        return p;
    }

    private static Path locate() {
        String named = System.getProperty(PROPERTY, System.getenv(ENVIRONMENT));
        if (named != null && !named.isBlank()) {
            Path given = Path.of(named);
            if (!Files.isRegularFile(given)) {
                throw new IllegalStateException(PROPERTY + " / " + ENVIRONMENT + " names " + given
                        + ", which is not a file");
            }
            return given;
        }
        if (Files.isRegularFile(SHARED)) {
            return SHARED;
        }
        ShakespeareCorpus corpus = ShakespeareCorpus.standard();
        try {
            return corpus.locate();
        } catch (IOException e) {
            unavailable = "Tiny Shakespeare is not in " + SHARED + " nor in " + corpus.cachedFile()
                    + " and could not be downloaded (" + e.getMessage() + "). Run `decoder4j prepare` once while "
                    + "online, or pass a copy with -D" + PROPERTY + "=FILE or " + ENVIRONMENT + "=FILE";
            return null;
        }
    }
}
