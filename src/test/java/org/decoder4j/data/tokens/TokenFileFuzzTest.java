package org.decoder4j.data.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Arbitrary bytes, with or without the uint32 header: each file is refused with an IOException
 * naming it, or opened with exactly the ids its bytes hold (never a negative one).
 */
class TokenFileFuzzTest {

    private static final byte[] HEADER = TokenFileFaultTest.uint32();
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("token-fuzz");
    }

    @AfterContainer
    static void clean() throws IOException {
        Files.deleteIfExists(dir.resolve("tokens.bin"));
        Files.delete(dir);
    }

    @Provide
    Arbitrary<byte[]> files() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        return Arbitraries.oneOf(raw, raw.map(b -> {
            byte[] withHeader = new byte[HEADER.length + b.length];
            System.arraycopy(HEADER, 0, withHeader, 0, HEADER.length);
            System.arraycopy(b, 0, withHeader, HEADER.length, b.length);
            return withHeader;
        }));
    }

    @Property
    void aTokenFileIsRefusedNamingItOrReadExactly(@ForAll("files") byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("tokens.bin"), bytes);
        TokenDataset d;
        try {
            d = TokenDataset.open(file);
        } catch (IOException e) {
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            return;
        }
        boolean wide = bytes.length >= HEADER.length
                && java.util.Arrays.equals(bytes, 0, HEADER.length, HEADER, 0, HEADER.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int start = wide ? HEADER.length : 0;
        int width = wide ? 4 : 2;
        assertEquals((bytes.length - start) / width, d.size());
        int max = -1;
        for (int i = 0; i < d.size(); i++) {
            long expected = wide ? b.getInt(start + 4 * i) & 0xFFFFFFFFL : b.getShort(2 * i) & 0xFFFF;
            assertEquals(expected, d.get(i), "id " + i);
            max = (int) Math.max(max, expected);
        }
        assertEquals(max, d.maxToken());
    }
}
