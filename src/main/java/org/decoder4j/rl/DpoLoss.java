package org.decoder4j.rl;

import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct preference optimisation's loss (Rafailov et al., 2023) over pairs of completions:
 * {@code mean(−log σ(β·((π_c − π_r) − (ref_c − ref_r))))}, where each term is a completion's
 * summed token log-probability under the policy (π) or the frozen reference (ref).
 *
 * <pre>{@code
 * DpoLoss.Result r = DpoLoss.compute(policyChosen, policyRejected, refChosen, refRejected, 0.1);
 * r.loss().backward();
 * }</pre>
 *
 * <p>The value is computed in the stable form {@code softplus(−z) = max(−z, 0) + log(1 + e^{−|z|})},
 * and the gradient {@code −β·σ(−z)/B} exactly, so large margins neither overflow nor lose the gradient.
 */
public final class DpoLoss {

    private DpoLoss() {
    }

    /**
     * @param loss            differentiable mean loss, shape []
     * @param chosenRewards   implicit rewards {@code β·(π_c − ref_c)}, one per pair
     * @param rejectedRewards implicit rewards {@code β·(π_r − ref_r)}, one per pair
     * @param accuracy        share of pairs whose chosen reward exceeds the rejected one
     */
    public record Result(Tensor loss, double[] chosenRewards, double[] rejectedRewards, double accuracy) {
    }

    /**
     * @param policyChosen   summed log-probabilities of the chosen completions {@code [B]}
     * @param policyRejected summed log-probabilities of the rejected completions {@code [B]}
     * @param refChosen      the reference's sums for the chosen completions {@code [B]}
     * @param refRejected    the reference's sums for the rejected completions {@code [B]}
     * @param beta           β, the strength of the implicit KL constraint (TRL's default 0.1)
     * @return the loss and the reward margins
     */
    public static Result compute(Tensor policyChosen, Tensor policyRejected, INDArray refChosen,
                                 INDArray refRejected, double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be > 0, got " + beta);
        }
        var type = policyChosen.dataType();
        INDArray refMargin = refChosen.castTo(type).sub(refRejected.castTo(type));
        Tensor logits = policyChosen.sub(policyRejected).sub(Tensor.constant(refMargin));     // (B)
        double[] x = logits.value().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        int b = x.length;
        double total = 0;
        double[] slope = new double[b];                                                       // dL/dlogits
        for (int i = 0; i < b; i++) {
            double z = beta * x[i];
            total += Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
            slope[i] = -beta * sigmoid(-z) / b;
        }
        double loss = total / b;
        INDArray w = org.nd4j.linalg.factory.Nd4j.createFromArray(slope).castTo(type).reshape(logits.shape());
        Tensor linear = logits.mul(Tensor.constant(w)).sum();
        Tensor lossTensor = linear.addScalar(loss - linear.item());

        double[] pc = policyChosen.value().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        double[] pr = policyRejected.value().castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        double[] rc = refChosen.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        double[] rr = refRejected.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        double[] chosen = new double[b];
        double[] rejected = new double[b];
        int right = 0;
        for (int i = 0; i < b; i++) {
            chosen[i] = beta * (pc[i] - rc[i]);
            rejected[i] = beta * (pr[i] - rr[i]);
            right += chosen[i] > rejected[i] ? 1 : 0;
        }
        return new Result(lossTensor, chosen, rejected, right / (double) b);
    }

    private static double sigmoid(double v) {
        return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }
}
