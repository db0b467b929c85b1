package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A master that cannot be used is a clear error, not a hang. */
class SparkConnectionTest {

    @Test
    void aMasterUrlSparkCannotParseIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkDataParallel.connect("nonsense://here", 2));
        assertEquals("cannot start Spark with master 'nonsense://here': Could not parse Master URL: 'nonsense://here'",
                e.getMessage());
    }

    @Test
    void anUnreachableMasterIsNamedAtOnce() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();                       // closed again: nothing listens there
        }
        String master = "spark://127.0.0.1:" + port;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkDataParallel.connect(master, 2));
        assertEquals("cannot reach the Spark master " + master + " (127.0.0.1:" + port + ": Connection refused): is "
                + "it running, and is this the host and port it listens on?", e.getMessage());
    }
}
