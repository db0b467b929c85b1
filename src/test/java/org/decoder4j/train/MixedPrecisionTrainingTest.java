package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The trainer's bf16 and fp16 mixed precision: same course as fp32, fp32 master weights, loss scaling. */
class MixedPrecisionTrainingTest {

    @TempDir
    Path tmp;

    private static GPT tiny() {
        return GPT.builder().vocabSize(11).contextLength(8).layers(2).heads(2).embeddingSize(16).seed(3).build();
    }

    private static TokenDataset pattern(int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (i * 3 + i / 7) % 11;
        }
        return TokenDataset.of(tokens);
    }

    private static List<StepResult> run(GPT model, Precision precision, int steps) {
        List<StepResult> seen = new ArrayList<>();
        Trainer.forModel(model).data(pattern(600), null).batchSize(8).steps(steps).seed(2).clipGradNorm(1.0)
                .optimizer(AdamW.lr(1e-2)).precision(precision)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        seen.add(s);
                    }
                }).fit();
        return seen;
    }

    @Test
    void bf16FollowsFp32CloselyWithFloat32MasterWeights() {
        List<StepResult> fp32 = run(tiny(), Precision.FP32, 30);
        GPT model = tiny();
        List<StepResult> bf16 = run(model, Precision.BF16_MIXED, 30);
        assertNotEquals(fp32.get(1).loss(), bf16.get(1).loss(), "products ran in bfloat16");
        for (int k = 0; k < 30; k++) {
            assertEquals(fp32.get(k).loss(), bf16.get(k).loss(), 0.02 * fp32.get(k).loss(), "loss of step " + k);
            assertTrue(!bf16.get(k).skipped() && Double.isNaN(bf16.get(k).lossScale()), "bf16 needs no loss scaling");
        }
        assertTrue(bf16.get(29).loss() < 0.7 * bf16.get(0).loss(), "it learns");
        for (Tensor p : model.parameters()) {
            assertEquals(DataType.FLOAT, p.dataType(), "master weights stay float32");
        }
    }

    @Test
    void fp16ScalesTheLossSkipsOverflowsAndStillLearns() {
        List<StepResult> fp32 = run(tiny(), Precision.FP32, 30);
        List<StepResult> fp16 = run(tiny(), Precision.FP16_MIXED, 30);
        assertEquals(65536.0, fp16.get(0).lossScale(), "PyTorch's initial scale");
        long skipped = fp16.stream().filter(StepResult::skipped).count();
        for (int k = 1; k < 30; k++) {
            double expectedScale = fp16.get(k - 1).lossScale() * (fp16.get(k - 1).skipped() ? 0.5 : 1.0);
            assertEquals(expectedScale, fp16.get(k).lossScale(), "halved after each skipped step");
        }
        assertTrue(skipped < 15, skipped + " steps skipped");
        assertEquals(fp32.get(29).loss(), fp16.get(29).loss(), 0.1 * fp32.get(29).loss(),
                "fp16 run ends near the fp32 run (" + skipped + " skipped steps)");
    }

    @Test
    void fp16WithoutLossScalingIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.forModel(tiny())
                .data(pattern(600), null).precision(Precision.FP16_MIXED).noLossScaling().steps(1).fit());
        assertTrue(e.getMessage().contains("loss scaling"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
        assertEquals(Precision.BF16_MIXED, Precision.parse("BF16"));
    }

    @Test
    void resumesAnFp16RunExactlyWithItsScalerState() {
        List<StepResult> full = new ArrayList<>();
        Trainer.forModel(tiny()).data(pattern(600), null).batchSize(8).steps(8).seed(2)
                .precision(Precision.FP16_MIXED).gradScaler(new GradScaler(1e6, 2, 0.5, 2))
                .checkpointDir(tmp).checkpointEvery(4).listener(collect(full)).fit();
        List<StepResult> resumed = new ArrayList<>();
        Trainer.forModel(tiny()).data(pattern(600), null).batchSize(8).steps(8).seed(2)
                .precision(Precision.FP16_MIXED).gradScaler(new GradScaler(1e6, 2, 0.5, 2))
                .resumeFrom(tmp.resolve("checkpoints/step-4")).listener(collect(resumed)).fit();
        for (int i = 0; i < 4; i++) {
            assertEquals(full.get(4 + i).loss(), resumed.get(i).loss(), 0.0);
            assertEquals(full.get(4 + i).lossScale(), resumed.get(i).lossScale(), 0.0, "scale restored");
        }
        assertTrue(full.stream().anyMatch(StepResult::skipped), "the large initial scale overflows at first");
    }

    private static TrainingListener collect(List<StepResult> into) {
        return new TrainingListener() {
            @Override
            public void onStep(StepResult s) {
                into.add(s);
            }
        };
    }
}
