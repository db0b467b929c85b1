package org.decoder4j.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Learning rates of 50 scheduler steps against {@code torch.optim.lr_scheduler} (fixture
 * {@code fixtures/schedules}, from {@code tools/fixtures/make_fixtures.py}), to 1e-6 relative as
 * the issue asks; entry {@code k} is {@code get_last_lr()} after {@code k} calls of {@code step()}.
 */
class LrScheduleParityTest {

    private static final double TOLERANCE = 1e-6;
    private static JsonNode schedules;

    @BeforeAll
    static void load() throws IOException {
        schedules = new ObjectMapper().readTree(Path.of("src/test/resources/fixtures/schedules/schedules.json")
                .toFile()).get("schedules");
    }

    private static void assertSchedulerMatches(String name, Function<Optimizer, LrScheduler> build) {
        JsonNode expected = schedules.get(name).get("lr");
        Optimizer optimizer = SGD.lr(schedules.get(name).get("base_lr").asDouble())
                .create(List.of(Tensor.parameter(Nd4j.zeros(1))));
        LrScheduler scheduler = build.apply(optimizer);
        for (int k = 0; k < expected.size(); k++) {
            if (k > 0) {
                optimizer.step();
                scheduler.step();
            }
            double want = expected.get(k).asDouble();
            double got = scheduler.getLastLr().get(0);
            assertEquals(want, got, TOLERANCE * Math.abs(want) + 1e-15, name + " lr after " + k + " steps");
            assertEquals(k, scheduler.lastEpoch());
        }
    }

    @Test
    void stepLrAsInTheClassicLoop() {
        assertSchedulerMatches("step", o -> new StepLR(o, 10, 0.1));
    }

    @Test
    void multiStepLr() {
        assertSchedulerMatches("multistep", o -> new MultiStepLR(o, 0.5, 10, 25, 40));
    }

    @Test
    void exponentialLr() {
        assertSchedulerMatches("exponential", o -> new ExponentialLR(o, 0.95));
    }

    @Test
    void cosineAnnealingLr() {
        assertSchedulerMatches("cosine", o -> new CosineAnnealingLR(o, 50, 0.001));
    }

    @Test
    void linearLr() {
        assertSchedulerMatches("linear", o -> new LinearLR(o, 0.1, 1.0, 10));
    }

    @Test
    void lambdaLr() {
        assertSchedulerMatches("lambda", o -> new LambdaLR(o, epoch -> 1.0 / (1.0 + epoch)));
    }

    @Test
    void sequentialWarmupThenCosine() {
        assertSchedulerMatches("sequential_linear_cosine", o -> new SequentialLR(o,
                List.of(LrSchedule.linearLR(0.1, 1.0, 5), LrSchedule.cosineAnnealingLR(45, 0.0)), 5));
    }

    @Test
    void nanoGptWarmupCosine() {
        assertSchedulerMatches("nanogpt_warmup_cosine", o -> new LrScheduler(o, LrSchedule.warmupCosine(10, 40, 0.01)));
    }

    @Test
    void schedulesEachGroupFromItsOwnInitialRate() {
        ParameterGroup a = new ParameterGroup(List.of(Tensor.parameter(Nd4j.zeros(1))), 0.1, 0);
        ParameterGroup b = new ParameterGroup(List.of(Tensor.parameter(Nd4j.zeros(1))), 0.02, 0);
        LrScheduler scheduler = new StepLR(SGD.lr(0.1).create(List.of(a, b)), 2, 0.5);
        scheduler.step();
        scheduler.step();
        assertEquals(List.of(0.05, 0.01), scheduler.getLastLr());
    }

    @Test
    void resumesFromSavedEpoch() {
        Optimizer optimizer = SGD.lr(0.1).create(List.of(Tensor.parameter(Nd4j.zeros(1))));
        LrScheduler scheduler = new StepLR(optimizer, 10, 0.1);
        scheduler.loadState(23);
        assertEquals(0.1 * 0.1 * 0.1, scheduler.getLastLr().get(0), 1e-18);
        scheduler.step();
        assertEquals(24, scheduler.lastEpoch());
    }

    @Test
    void warmupThenStartsTheNextScheduleAtItsStepZero() {
        LrSchedule s = LrSchedule.warmupThen(4, LrSchedule.stepLR(3, 0.5));
        assertEquals(0.0, s.lr(0, 1.0));
        assertEquals(0.75, s.lr(3, 1.0));
        assertEquals(1.0, s.lr(4, 1.0));
        assertEquals(0.5, s.lr(7, 1.0));
    }

    @Test
    void rejectsBadArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LrSchedule.stepLR(0, 0.1))
                .getMessage().contains("step size"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LrSchedule.multiStepLR(0.1, 5, 3))
                .getMessage().contains("increase"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LrSchedule.sequential(
                List.of(LrSchedule.constant()), 3)).getMessage().contains("milestone"));
    }
}
