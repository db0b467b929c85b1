package org.decoder4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {

    @TempDir
    Path dir;

    @Test
    void commitReplacesTheTargetAndLeavesNoTemporaryFile() throws Exception {
        Path target = dir.resolve("sub/config.json");
        AtomicWrite.write(target, "old".getBytes(StandardCharsets.UTF_8));
        try (AtomicWrite out = AtomicWrite.to(target)) {
            out.stream().write("new content".getBytes(StandardCharsets.UTF_8));
            assertEquals("old", Files.readString(target));                 // unchanged until commit
            out.commit();
        }
        assertEquals("new content", Files.readString(target));
        try (var listing = Files.list(target.getParent())) {
            assertEquals(List.of(target), listing.toList());
        }
    }

    @Test
    void closingWithoutCommitLeavesTheTargetAsItWas() throws Exception {
        Path target = dir.resolve("model.bin");
        Files.write(target, new byte[] {1, 2, 3});
        try (AtomicWrite out = AtomicWrite.to(target)) {
            out.stream().write(new byte[] {9, 9});
            // failure before commit
        }
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of(target), listing.toList());
        }
        Path fresh = dir.resolve("never.bin");
        try (AtomicWrite out = AtomicWrite.to(fresh)) {
            out.stream().write(1);
        }
        assertFalse(Files.exists(fresh));
    }

    @Test
    void commitTwiceIsAnError() throws Exception {
        try (AtomicWrite out = AtomicWrite.to(dir.resolve("x"))) {
            out.commit();
            assertThrows(IllegalStateException.class, out::commit);
        }
    }
}
