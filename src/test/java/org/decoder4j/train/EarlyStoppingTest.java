package org.decoder4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    /** Feeds validation losses at steps 100, 200, ... and returns the step the listener stopped at, or -1. */
    private static long stopStep(EarlyStopping early, double... losses) {
        early.onStart(0, 100L * losses.length);
        for (int i = 0; i < losses.length; i++) {
            early.onEvaluation(100L * (i + 1), new EvalResult(losses[i], Math.exp(losses[i]), 0, 1));
            if (early.stopRequested()) {
                return 100L * (i + 1);
            }
        }
        return -1;
    }

    @Test
    void anInfiniteFirstLossIsNotTheBest() {
        EarlyStopping early = new EarlyStopping(2);
        assertEquals(200, stopStep(early, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NaN));
        assertTrue(Double.isNaN(early.bestLoss()), "no finite loss, no best: " + early.bestLoss());
        assertEquals(-1, early.bestStep());
    }

    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovement() {
        EarlyStopping early = new EarlyStopping(2);
        //                    best 2.0 at 300;  400 and 500 do not beat it
        assertEquals(500, stopStep(early, 3.0, 2.5, 2.0, 2.1, 2.0, 1.0));
        assertTrue(early.stopped());
        assertEquals(500, early.stoppedAt());
        assertEquals(2.0, early.bestLoss());
        assertEquals(300, early.bestStep());
    }

    @Test
    void anImprovementResetsTheCount() {
        EarlyStopping early = new EarlyStopping(2);
        assertEquals(-1, stopStep(early, 3.0, 3.1, 2.9, 3.0, 2.8));
        assertFalse(early.stopped());
        assertEquals(-1, early.stoppedAt());
        assertEquals(2.8, early.bestLoss());
        assertEquals(500, early.bestStep());
    }

    @Test
    void gainsNoLargerThanMinDeltaDoNotCount() {
        // 2.95 and 2.91 beat 3.0 by less than 0.1: two evaluations without improvement
        assertEquals(300, stopStep(new EarlyStopping(2, 0.1), 3.0, 2.95, 2.91, 2.0));
        // the same sequence without a minimum delta keeps improving
        assertEquals(-1, stopStep(new EarlyStopping(2), 3.0, 2.95, 2.91, 2.0));
    }

    @Test
    void aLossThatIsNotANumberIsNoImprovement() {
        EarlyStopping early = new EarlyStopping(1);
        assertEquals(200, stopStep(early, 2.0, Double.NaN, 1.0));
        assertEquals(2.0, early.bestLoss());
        assertEquals(400, stopStep(new EarlyStopping(2), Double.NaN, 4.0, Double.NaN, Double.NaN));
    }

    @Test
    void aNewRunStartsAfresh() {
        EarlyStopping early = new EarlyStopping(1);
        assertEquals(200, stopStep(early, 2.0, 2.0));
        assertEquals(-1, stopStep(early, 2.0, 1.5, 1.0));
        assertEquals(1.0, early.bestLoss());
    }

    @Test
    void refusesBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(0));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(1, Double.NaN));
    }

    @Test
    void endsARealRunAtTheEvaluationWhereThePatienceRunsOut() {
        GPT model = GPT.builder().vocabSize(11).contextLength(8).layers(1).heads(2).embeddingSize(16).seed(2).build();
        int[] tokens = new int[300];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7 + i / 5) % 11;
        }
        TokenDataset data = TokenDataset.of(tokens);
        // A zero learning rate leaves the weights as they are: every validation loss equals the first.
        List<Long> evalSteps = new ArrayList<>();
        List<Long> stepsRun = new ArrayList<>();
        EarlyStopping early = new EarlyStopping(2);
        TrainingReport report = Trainer.forModel(model).data(data, data).batchSize(2).steps(20).evalEvery(2)
                .schedule((step, base) -> 0.0)
                .listener(early)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        stepsRun.add(s.step());
                    }

                    @Override
                    public void onEvaluation(long step, EvalResult r) {
                        evalSteps.add(step);
                    }
                }).fit();
        assertEquals(List.of(2L, 4L, 6L), evalSteps);
        assertEquals(6, stepsRun.size());
        assertEquals(6, report.steps());
        assertEquals(6, early.stoppedAt());
        assertEquals(2, early.bestStep());
        assertEquals(report.bestValLoss(), early.bestLoss());
    }
}
