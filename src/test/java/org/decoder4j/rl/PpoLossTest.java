package org.decoder4j.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** GAE, whitening and the clipped PPO loss against PyTorch (float64, tolerance 1e-12). */
class PpoLossTest {

    private static final double TOL = 1e-12;

    @Test
    void gaeAndWhiteningMatchPyTorch() throws IOException {
        RlFixture f = RlFixture.load("ppo.json");
        double[][] rewards = f.matrix("token_rewards");
        double[][] values = f.matrix("rollout_values");
        double[][] advantages = f.matrix("advantages");
        double[][] returns = f.matrix("returns");
        double[][] whitened = f.matrix("whitened");
        int length = rewards[0].length;
        double[] all = new double[rewards.length * length];
        for (int b = 0; b < rewards.length; b++) {
            Advantages a = Advantages.gae(rewards[b], values[b], f.number("gamma"), f.number("lam"));
            assertArrayEquals(advantages[b], a.advantages(), TOL);
            assertArrayEquals(returns[b], a.returns(), TOL);
            System.arraycopy(a.advantages(), 0, all, b * length, length);
        }
        Advantages.whiten(all);
        for (int b = 0; b < rewards.length; b++) {
            for (int t = 0; t < length; t++) {
                assertEquals(whitened[b][t], all[b * length + t], TOL);
            }
        }
    }

    @Test
    void gaeByHand() {
        // γ = 1, λ = 0.5: δ = [1 + 2 − 1, 0 + 0 − 2] = [2, −2]; A = [2 + 0.5·(−2), −2] = [1, −2]
        Advantages a = Advantages.gae(new double[] {1, 0}, new double[] {1, 2}, 1.0, 0.5);
        assertArrayEquals(new double[] {1, -2}, a.advantages(), TOL);
        assertArrayEquals(new double[] {2, 0}, a.returns(), TOL);
    }

    @Test
    void clippedLossAndGradientsMatchPyTorch() throws IOException {
        RlFixture f = RlFixture.load("ppo.json");
        Tensor logp = Tensor.parameter(f.array("logp"));
        Tensor values = Tensor.parameter(f.array("values"));
        PpoLoss.Result r = PpoLoss.compute(logp, values, f.array("old_logp"), f.array("rollout_values"),
                f.array("whitened"), f.array("returns"), f.array("mask"), f.number("cliprange"),
                f.number("cliprange_value"), f.number("vf_coef"));
        assertEquals(f.number("loss"), r.loss().item(), TOL);
        assertEquals(f.number("pg_loss"), r.policyLoss(), TOL);
        assertEquals(f.number("vf_loss"), r.valueLoss(), TOL);
        assertEquals(f.number("clipfrac"), r.clipFraction(), TOL);
        assertEquals(f.number("vf_clipfrac"), r.valueClipFraction(), TOL);
        assertEquals(f.number("approxkl"), r.approxKl(), TOL);
        r.loss().backward();
        assertClose(f.array("grad_logp"), logp.grad());
        assertClose(f.array("grad_values"), values.grad());
    }

    private static void assertClose(INDArray expected, INDArray actual) {
        double worst = Nd4j.math().abs(expected.sub(actual)).maxNumber().doubleValue();
        assertEquals(0.0, worst, TOL, "largest gradient difference");
    }
}
