package org.decoder4j.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The DPO loss, its gradients and implicit rewards against PyTorch (float64, tolerance 1e-12). */
class DpoLossTest {

    private static final double TOL = 1e-12;

    @Test
    void lossRewardsAndGradientsMatchPyTorch() throws IOException {
        RlFixture f = RlFixture.load("dpo.json");
        Tensor chosen = Tensor.parameter(Nd4j.createFromArray(f.vector("policy_chosen")));
        Tensor rejected = Tensor.parameter(Nd4j.createFromArray(f.vector("policy_rejected")));
        DpoLoss.Result r = DpoLoss.compute(chosen, rejected, Nd4j.createFromArray(f.vector("ref_chosen")),
                Nd4j.createFromArray(f.vector("ref_rejected")), f.number("beta"));
        assertEquals(f.number("loss"), r.loss().item(), TOL);
        assertArrayEquals(f.vector("chosen_rewards"), r.chosenRewards(), TOL);
        assertArrayEquals(f.vector("rejected_rewards"), r.rejectedRewards(), TOL);
        r.loss().backward();
        assertArrayEquals(f.vector("grad_policy_chosen"), chosen.grad().toDoubleVector(), TOL);
        assertArrayEquals(f.vector("grad_policy_rejected"), rejected.grad().toDoubleVector(), TOL);
    }

    @Test
    void equalMarginsGiveLogTwo() {
        Tensor c = Tensor.parameter(Nd4j.createFromArray(-3.0, -5.0));
        Tensor r = Tensor.parameter(Nd4j.createFromArray(-4.0, -1.0));
        DpoLoss.Result res = DpoLoss.compute(c, r, Nd4j.createFromArray(-3.0, -5.0), Nd4j.createFromArray(-4.0, -1.0), 0.1);
        assertEquals(Math.log(2), res.loss().item(), TOL);
        assertEquals(0.0, res.accuracy(), 0);
    }
}
