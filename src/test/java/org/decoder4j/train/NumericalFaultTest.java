package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.decoder4j.amp.GradScaler;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.io.SafeTensors;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.SGD;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Numerical faults stop a run: a non-finite loss, gradient norm or weights end it with a
 * {@link TrainingDivergedException} naming the step, and nothing non-finite is ever saved.
 */
class NumericalFaultTest {

    @TempDir
    Path tmp;

    private static GPT tiny() {
        return GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(8).seed(3).build();
    }

    private static TokenDataset pattern(int n) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = (i * 3 + i / 7) % 11;
        }
        return TokenDataset.of(tokens);
    }

    private static Trainer trainer(GPT model) {
        return Trainer.forModel(model).data(pattern(400), pattern(60)).batchSize(2).steps(12).seed(5)
                .optimizer(AdamW.lr(1e-3)).evalBatchSize(8);
    }

    /** Puts a NaN into the model's first weight after step {@code at}. */
    private static TrainingListener poisonAfter(GPT model, long at) {
        return new TrainingListener() {
            @Override
            public void onStep(StepResult s) {
                if (s.step() == at) {
                    model.parameters().get(0).value().putScalar(0, Double.NaN);
                }
            }
        };
    }

    /** The local computation, with the loss reported as NaN on the given steps. */
    private static GradientComputation nanLossOn(Set<Long> steps) {
        LocalGradients local = new LocalGradients();
        return new GradientComputation() {
            @Override
            public void start(GPT model, org.decoder4j.data.batch.BatchSampler sampler,
                              org.decoder4j.amp.Precision precision) {
                local.start(model, sampler, precision);
            }

            @Override
            public StepLoss accumulate(GradientStep step) {
                StepLoss loss = local.accumulate(step);
                return steps.contains(step.step()) ? new StepLoss(Double.NaN, loss.tokens()) : loss;
            }
        };
    }

    private static void assertFiniteModel(Path dir) throws IOException {
        for (var e : SafeTensors.read(dir.resolve(HuggingFaceGpt2.WEIGHTS_FILE)).entrySet()) {
            INDArray a = e.getValue();
            assertFalse(BooleanIndexing.or(a, Conditions.notFinite()), dir + ": " + e.getKey() + " is not finite");
        }
    }

    private List<Path> checkpoints() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("checkpoints"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("step-")).sorted().toList();
        }
    }

    @Test
    void aNanLossStopsTheRunAtThatStepAndNothingNonFiniteIsSaved() throws IOException {
        GPT model = tiny();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(model)
                .checkpointDir(tmp).checkpointEvery(1).keepCheckpoints(2).evalEvery(1)
                .listener(poisonAfter(model, 6)).fit());
        // step 6 wrote the poison after its update: its checkpoint (step-7) is refused, step 7's loss is NaN
        assertEquals(6, e.step(), e.getMessage());
        assertTrue(e.getMessage().contains("step 6") && e.getMessage().contains("non-finite"), e.getMessage());
        assertTrue(e.getMessage().contains("step-6"), "names the last good checkpoint: " + e.getMessage());
        assertEquals(List.of(tmp.resolve("checkpoints/step-5"), tmp.resolve("checkpoints/step-6")), checkpoints(),
                "the last good checkpoints are kept");
        for (Path c : checkpoints()) {
            assertFiniteModel(c);
        }
        assertFiniteModel(tmp.resolve("best"));
        assertFalse(Files.exists(tmp.resolve(HuggingFaceGpt2.WEIGHTS_FILE)), "no final model from a diverged run");
    }

    @Test
    void aHugeLearningRateStopsTheRunWithoutSavingIt() {
        GPT model = tiny();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(model)
                .optimizer(SGD.lr(1e12)).steps(50).checkpointDir(tmp).fit());
        assertTrue(e.step() < 50, e.getMessage());
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve(HuggingFaceGpt2.WEIGHTS_FILE)));
    }

    @Test
    void badStepsAreNotAppliedAndUpToTheAllowanceInARowAreTolerated() {
        GPT model = tiny();
        TrainingReport r = trainer(model).maxBadSteps(2).distributed(nanLossOn(Set.of(3L, 4L, 8L))).fit();
        assertEquals(12, r.steps());
        assertTrue(FiniteWeights.firstNonFinite(model).isEmpty());

        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(tiny())
                .maxBadSteps(1).distributed(nanLossOn(Set.of(3L, 4L))).fit());
        assertEquals(4, e.step());
        assertTrue(e.getMessage().contains("2 step(s) in a row") && e.getMessage().contains("1 allowed"),
                e.getMessage());
    }

    @Test
    void aBadStepIsNotAppliedWithALossScalerEither() {
        GPT model = tiny();
        List<INDArray> weights = new java.util.ArrayList<>();
        trainer(model).steps(5).gradScaler(new GradScaler()).maxBadSteps(1).distributed(nanLossOn(Set.of(3L)))
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        weights.add(model.parameters().get(0).value().dup());
                    }
                }).fit();
        assertEquals(weights.get(2), weights.get(3), "step 3 reported a NaN loss: its update is not applied");
        assertFalse(weights.get(3).equals(weights.get(4)), "step 4 is applied");
    }

    @Test
    void aNanValidationLossIsNeverTheBest() throws IOException {
        GPT model = tiny();
        assertThrows(TrainingDivergedException.class, () -> trainer(model).checkpointDir(tmp).evalEvery(2)
                .listener(poisonAfter(model, 3)).fit());
        JsonNode state = new ObjectMapper().readTree(tmp.resolve("best/" + TrainingCheckpoint.STATE_FILE).toFile());
        assertEquals(2, state.get("step").asLong(), "best is the evaluation before the NaN");
        assertTrue(Double.isFinite(state.get("best_val_loss").asDouble()), state.toString());
        assertFiniteModel(tmp.resolve("best"));
    }

    @Test
    void aScalerThatOnlySkipsEndsTheRun() {
        GPT model = tiny();
        LocalGradients local = new LocalGradients();
        GradientComputation infiniteGradients = new GradientComputation() {
            @Override
            public void start(GPT m, org.decoder4j.data.batch.BatchSampler sampler, org.decoder4j.amp.Precision p) {
                local.start(m, sampler, p);
            }

            @Override
            public StepLoss accumulate(GradientStep step) {
                StepLoss loss = local.accumulate(step);
                Tensor first = model.parameters().get(0);
                first.grad().putScalar(0, Double.POSITIVE_INFINITY);
                return loss;
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> trainer(model)
                .gradScaler(new GradScaler()).maxSkippedSteps(3).distributed(infiniteGradients).fit());
        assertEquals(3, e.step());
        assertTrue(e.getMessage().contains("skipped 4 optimizer steps in a row"), e.getMessage());
    }

    @Test
    void settingsRefuseNegativeAllowances() {
        assertThrows(IllegalArgumentException.class, () -> trainer(tiny()).maxBadSteps(-1));
        assertThrows(IllegalArgumentException.class, () -> trainer(tiny()).maxSkippedSteps(-1));
    }
}
