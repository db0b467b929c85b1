package org.decoder4j.data.tokens;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token files that would be read wrong are refused when they are opened, naming the offset. */
class TokenFileFaultTest {

    @TempDir
    Path dir;

    /** A uint32 token file (header D4JTOK32, 4, 0) holding these raw 32-bit ids. */
    static byte[] uint32(int... ids) {
        ByteBuffer b = ByteBuffer.allocate(16 + 4 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("D4JTOK32".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(0);
        for (int id : ids) {
            b.putInt(id);
        }
        return b.array();
    }

    @Test
    void idsOf2To31OrMoreAreRefusedAtOpenWithTheirOffset() throws IOException {
        Path file = Files.write(dir.resolve("wide.bin"), uint32(5, 70000, 0x80000000, 3));
        IOException e = assertThrows(IOException.class, () -> TokenDataset.open(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("token id 2147483648 at index 2 (byte offset 24)"), e.getMessage());

        Path last = Files.write(dir.resolve("last.bin"), uint32(1, 2, -1));
        IOException e2 = assertThrows(IOException.class, () -> TokenDataset.open(last));
        assertTrue(e2.getMessage().contains("token id 4294967295 at index 2 (byte offset 24)"), e2.getMessage());
    }

    @Test
    void goodUint32FilesLoadExactly() throws IOException {
        Path file = Files.write(dir.resolve("ok.bin"), uint32(5, 70000, Integer.MAX_VALUE, 0));
        TokenDataset d = TokenDataset.open(file);
        assertEquals(TokenFileFormat.UINT32, d.format());
        assertEquals(4, d.size());
        assertEquals(Integer.MAX_VALUE, d.get(2));
        assertEquals(Integer.MAX_VALUE, d.maxToken());
        assertEquals(70000, d.get(1));
    }
}
