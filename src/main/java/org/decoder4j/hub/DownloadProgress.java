package org.decoder4j.hub;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears how far a download has come; called from the downloading thread as bytes arrive.
 *
 * <pre>{@code
 * HuggingFaceHub hub = HuggingFaceHub.fromEnvironment()
 *         .withProgress((file, done, total) -> System.err.printf("%s %d/%d%n", file, done, total));
 * }</pre>
 */
@FunctionalInterface
public interface DownloadProgress {

    /**
     * @param file the file's name in its repository
     * @param bytesDone bytes on disk so far (a resumed download starts above 0)
     * @param bytesTotal the file's size, or -1 if the Hub did not say
     */
    void update(String file, long bytesDone, long bytesTotal);

    /**
     * Logs through SLF4J: the start and end of each file at INFO, and every tenth of it at DEBUG.
     *
     * @return a new listener, for one download at a time
     */
    static DownloadProgress logging() {
        return new DownloadProgress() {
            private final Logger log = LoggerFactory.getLogger(HuggingFaceHub.class);
            private String file;
            private long nextReport;
            private long started;

            @Override
            public void update(String name, long done, long total) {
                if (!name.equals(file)) {
                    file = name;
                    started = System.nanoTime();
                    nextReport = 0;
                    log.info("downloading {} ({})", name, total < 0 ? "size unknown" : total + " bytes");
                }
                if (done >= nextReport && total > 0 && done < total) {
                    log.debug("{}: {} of {} bytes", name, done, total);
                    nextReport = done + Math.max(1, total / 10);
                }
                if (total >= 0 && done >= total) {
                    double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
                    log.info("downloaded {}: {} bytes in {} s", name, done, String.format(java.util.Locale.ROOT,
                            "%.1f", seconds));
                    file = null;
                }
            }
        };
    }

    /**
     * Hears nothing.
     *
     * @return a listener that ignores every update
     */
    static DownloadProgress none() {
        return (file, done, total) -> { };
    }
}
