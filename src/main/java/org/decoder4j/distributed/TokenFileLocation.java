package org.decoder4j.distributed;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkEnv;
import org.decoder4j.data.tokens.TokenDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Opens the training token file on a worker, once per JVM: a plain path (every executor must see
 * it at that path: a local file in local mode, a shared mount on a cluster) is memory-mapped where
 * it lies; a URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code file:}, any Hadoop file
 * system) is copied to a local temporary file first, through Hadoop's {@code FileSystem} with the
 * application's {@code spark.hadoop.*} settings.
 *
 * <pre>{@code
 * TokenDataset train = TokenFileLocation.open("hdfs://namenode/data/train.bin", 1_003_854);
 * }</pre>
 */
final class TokenFileLocation {

    private static final Logger LOG = LoggerFactory.getLogger(TokenFileLocation.class);
    private static final Map<String, TokenDataset> OPENED = new ConcurrentHashMap<>();

    private TokenFileLocation() {
    }

    /**
     * The token file at {@code location}, checked to hold {@code expectedTokens} tokens (the size of
     * the driver's copy).
     *
     * @throws IllegalStateException if it cannot be read or its size differs, naming both
     */
    static TokenDataset open(String location, long expectedTokens) {
        TokenDataset data = OPENED.computeIfAbsent(location, TokenFileLocation::read);
        if (data.size() != expectedTokens) {
            throw new IllegalStateException("this executor reads " + location + " as " + data.size()
                    + " tokens but the driver's training data has " + expectedTokens + ": every executor must see "
                    + "the same token file");
        }
        return data;
    }

    /** Whether {@code location} names a Hadoop file system URI rather than a local path. */
    static boolean isUri(String location) {
        int colon = location.indexOf(':');
        return colon > 1 && location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    }

    private static TokenDataset read(String location) {
        try {
            if (!isUri(location)) {
                return TokenDataset.open(Path.of(location));
            }
            Path local = Files.createTempFile("decoder4j-tokens-", ".bin");
            local.toFile().deleteOnExit();
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(URI.create(location));
            try (FileSystem fs = FileSystem.newInstance(remote.toUri(), hadoopConfiguration());
                 InputStream in = fs.open(remote)) {
                Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING);
            }
            LOG.info("copied {} to {} ({} bytes)", location, local, Files.size(local));
            return TokenDataset.open(local);
        } catch (IOException e) {
            throw new UncheckedIOException("this executor cannot read the token file " + location + ": "
                    + e.getMessage(), e);
        }
    }

    /** Hadoop's defaults plus the application's {@code spark.hadoop.*} settings. */
    private static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            for (Tuple2<String, String> kv : env.conf().getAllWithPrefix("spark.hadoop.")) {
                conf.set(kv._1(), kv._2());
            }
        }
        return conf;
    }
}
