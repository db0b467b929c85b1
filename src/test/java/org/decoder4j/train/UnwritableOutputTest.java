package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.atomic.AtomicInteger;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output directory that cannot be written is found before the first step, not after the training. */
class UnwritableOutputTest {

    @TempDir
    Path tmp;

    private static Trainer trainer(AtomicInteger steps) {
        GPT model = GPT.builder().vocabSize(5).contextLength(4).layers(1).heads(1).embeddingSize(4).seed(1).build();
        int[] tokens = new int[50];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 5;
        }
        return Trainer.forModel(model).data(TokenDataset.of(tokens), TokenDataset.of(tokens)).batchSize(2).steps(5)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        steps.incrementAndGet();
                    }
                });
    }

    @Test
    void anOutputBelowAFileFailsBeforeTheFirstStep() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        AtomicInteger steps = new AtomicInteger();
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> trainer(steps).checkpointDir(file.resolve("out")).fit());
        assertEquals(0, steps.get(), "no step ran");
        assertTrue(e.getMessage().contains("cannot write to the output directory " + file.resolve("out")),
                e.getMessage());
    }

    @Test
    void aReadOnlyOutputFailsBeforeTheFirstStep() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes to read-only directories");
        Path out = Files.createDirectories(tmp.resolve("ro"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            AtomicInteger steps = new AtomicInteger();
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> trainer(steps).checkpointDir(out).fit());
            assertEquals(0, steps.get(), "no step ran");
            assertTrue(e.getMessage().contains("AccessDenied"), e.getMessage());
        } finally {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }
}
