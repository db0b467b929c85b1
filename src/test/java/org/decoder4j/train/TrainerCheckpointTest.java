package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.decoder4j.optim.Adam;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Checkpoints, resuming, and the epoch loop of the {@link Trainer}. */
class TrainerCheckpointTest {

    @TempDir
    Path tmp;

    /** With dropout, so that resuming must also redraw the same masks. */
    private static GPT tiny(long seed) {
        return GPT.builder().vocabSize(11).contextLength(8).layers(2).heads(2).embeddingSize(16).dropout(0.1)
                .seed(seed).build();
    }

    private static TokenDataset pattern(int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (i * 3 + i / 7) % 11;
        }
        return TokenDataset.of(tokens);
    }

    private static Trainer recipe(GPT model, List<StepResult> seen) {
        return Trainer.forModel(model).data(pattern(600), pattern(120)).batchSize(4).gradientAccumulation(2)
                .steps(10).seed(5).evalEvery(3).clipGradNorm(1.0)
                .optimizer(AdamW.lr(3e-3).weightDecay(0.1))
                .schedule(LrSchedule.warmupCosine(3, 10, 1e-4))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        seen.add(s);
                    }
                });
    }

    @Test
    void resumingGivesTheLossesOfAnUninterruptedRun() throws IOException {
        List<StepResult> full = new ArrayList<>();
        GPT uninterrupted = tiny(1);
        recipe(uninterrupted, full).checkpointDir(tmp.resolve("a")).checkpointEvery(4).keepCheckpoints(5).fit();

        Path step4 = tmp.resolve("a/checkpoints/step-4");
        assertTrue(Files.isRegularFile(step4.resolve(TrainingCheckpoint.STATE_FILE)));
        assertEquals(4, TrainingCheckpoint.read(step4).state().step());
        assertEquals(tmp.resolve("a/checkpoints/step-8"), TrainingCheckpoint.latest(tmp.resolve("a/checkpoints"))
                .orElseThrow());

        List<StepResult> resumed = new ArrayList<>();
        GPT continued = tiny(99);                                   // other initial weights: all come from the checkpoint
        recipe(continued, resumed).checkpointDir(tmp.resolve("b")).resumeFrom(step4).fit();

        assertEquals(6, resumed.size(), "steps 4 to 9");
        for (int i = 0; i < resumed.size(); i++) {
            StepResult a = full.get(4 + i);
            StepResult b = resumed.get(i);
            assertEquals(a.step(), b.step(), "step numbering continues");
            assertEquals(a.loss(), b.loss(), 0.0, "loss of step " + a.step());
            assertEquals(a.lr(), b.lr(), 0.0, "lr of step " + a.step());
            assertEquals(a.gradNorm(), b.gradNorm(), 0.0, "grad norm of step " + a.step());
        }
        Map<String, INDArray> x = HuggingFaceGpt2.stateDict(uninterrupted);
        Map<String, INDArray> y = HuggingFaceGpt2.stateDict(continued);
        for (String name : x.keySet()) {
            assertEquals(x.get(name), y.get(name), name + " after 10 steps");
        }
    }

    @Test
    void keepsTheLastCheckpointsAndTheBest() throws IOException {
        recipe(tiny(1), new ArrayList<>()).checkpointDir(tmp).checkpointEvery(2).keepCheckpoints(2).fit();
        try (Stream<Path> dirs = Files.list(tmp.resolve("checkpoints"))) {
            assertEquals(List.of("step-10", "step-8"), dirs.map(p -> p.getFileName().toString()).sorted().toList());
        }
        TrainerState best = TrainingCheckpoint.read(tmp.resolve("best")).state();
        assertTrue(best.bestValLoss() == best.lastValLoss(), "best is written when the validation loss improves");
        assertTrue(GPT.load(tmp.resolve("best")).config().equals(tiny(1).config().withDropout(0.1)));
        assertFalse(Files.list(tmp).anyMatch(p -> p.getFileName().toString().startsWith(".")),
                "no staging directories left behind");
    }

    @Test
    void refusesToResumeWithOtherBatchShapes() {
        recipe(tiny(1), new ArrayList<>()).steps(2).checkpointDir(tmp).checkpointEvery(2).fit();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> recipe(tiny(1), new ArrayList<>()).batchSize(8).resumeFrom(tmp.resolve("checkpoints/step-2"))
                        .fit());
        assertTrue(e.getMessage().contains("batch size 4"), e.getMessage());
    }

    @Test
    void refusesADirectoryThatIsNotACheckpoint() {
        Exception e = assertThrows(RuntimeException.class,
                () -> recipe(tiny(1), new ArrayList<>()).resumeFrom(tmp).fit());
        assertTrue(e.getMessage().contains(TrainingCheckpoint.STATE_FILE), e.getMessage());
    }

    @Test
    void epochsSeeEveryWindowOnceAndStepTheScheduleOncePerEpoch() {
        List<StepResult> seen = new ArrayList<>();
        // 600 tokens, T = 8: 74 windows; batch 10 → 8 batches per epoch (the last has 4 windows)
        TrainingReport report = Trainer.forModel(tiny(2)).data(pattern(600), null).batchSize(10).epochs(3)
                .optimizer(Adam.lr(0.001)).schedulePerEpoch(LrSchedule.stepLR(1, 0.1)).clipGradNorm(1.0)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        seen.add(s);
                    }
                }).fit();
        assertEquals(24, report.steps());
        double[] lrs = seen.stream().mapToDouble(StepResult::lr).toArray();
        for (int step = 0; step < 24; step++) {
            assertEquals(0.001 * Math.pow(0.1, step / 8), lrs[step], 1e-15, "lr of step " + step);
        }
        assertArrayEquals(new long[] {80, 80, 80, 80, 80, 80, 80, 32}, seen.subList(0, 8).stream()
                .mapToLong(StepResult::tokens).toArray(), "seven full batches of 10 x 8 tokens, then 4 windows");
    }

    /** Batches whose targets are ignored (-100) in the first half of each row, the rest a pattern. */
    private static BatchSampler maskedBatches() {
        return new BatchSampler() {
            private long position;

            @Override
            public Batch next() {
                long[][] inputs = new long[2][8];
                long[][] targets = new long[2][8];
                for (int b = 0; b < 2; b++) {
                    for (int t = 0; t < 8; t++) {
                        inputs[b][t] = (position + b + t) % 11;
                        targets[b][t] = t < 4 ? Loss.IGNORE_INDEX : (position + b + t + 1) % 11;
                    }
                }
                position++;
                return new Batch(Nd4j.createFromArray(inputs), Nd4j.createFromArray(targets));
            }

            @Override
            public long position() {
                return position;
            }

            @Override
            public void seek(long p) {
                position = p;
            }

            @Override
            public int batchSize() {
                return 2;
            }

            @Override
            public int contextLength() {
                return 8;
            }
        };
    }

    @Test
    void trainsOnUserBatchesWithIgnoredTargets() {
        List<StepResult> a = new ArrayList<>();
        List<StepResult> b = new ArrayList<>();
        GPT first = GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(16).seed(4).build();
        GPT second = GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(16).seed(4).build();
        Trainer.forModel(first).batches(maskedBatches(), null).steps(5).optimizer(AdamW.lr(1e-2))
                .listener(recorder(a)).fit();
        Trainer.forModel(second).batches(maskedBatches(), null).steps(5).optimizer(AdamW.lr(1e-2))
                .listener(recorder(b)).fit();
        assertEquals(a.stream().map(StepResult::loss).toList(), b.stream().map(StepResult::loss).toList());
        assertEquals(16, a.get(0).tokens());
        assertTrue(a.get(4).loss() < a.get(0).loss(), "learns the unmasked targets");
        assertThrows(IllegalStateException.class,
                () -> Trainer.forModel(first).batches(maskedBatches(), null).epochs(1).fit());
    }

    private static TrainingListener recorder(List<StepResult> seen) {
        return new TrainingListener() {
            @Override
            public void onStep(StepResult s) {
                seen.add(s);
            }
        };
    }
}
