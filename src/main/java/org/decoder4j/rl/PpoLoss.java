package org.decoder4j.rl;

import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PPO's clipped objective over the generated tokens (masked means over {@code [B, L]}), as TRL
 * computes it:
 *
 * <pre>
 * ratio    = exp(logp − old_logp)
 * pg_loss  = mean(max(−A·ratio, −A·clip(ratio, 1−ε, 1+ε)))
 * v_clip   = old_v + clip(v − old_v, −ε_v, ε_v)
 * vf_loss  = 0.5 · mean(max((v − R)², (v_clip − R)²))
 * loss     = pg_loss + vf_coef · vf_loss
 * </pre>
 *
 * Where a clipped branch is the larger one its gradient is zero, exactly as autograd gives it.
 *
 * <pre>{@code
 * PpoLoss.Result r = PpoLoss.compute(logp, values, oldLogp, oldValues, advantages, returns, mask, 0.2, 0.2, 0.1);
 * r.loss().backward();
 * }</pre>
 */
public final class PpoLoss {

    private PpoLoss() {
    }

    /**
     * The loss and its parts.
     *
     * @param loss              differentiable total loss, shape []
     * @param policyLoss        pg_loss
     * @param valueLoss         vf_loss
     * @param clipFraction      share of tokens whose clipped policy term was the larger
     * @param valueClipFraction share of tokens whose clipped value term was the larger
     * @param approxKl          0.5·mean((logp − old_logp)²)
     */
    public record Result(Tensor loss, double policyLoss, double valueLoss, double clipFraction,
                         double valueClipFraction, double approxKl) {
    }

    /**
     * @param logp       current log-probabilities {@code [B, L]} (differentiable)
     * @param values     current value estimates {@code [B, L]} (differentiable)
     * @param oldLogp    log-probabilities at rollout time {@code [B, L]}
     * @param oldValues  values at rollout time {@code [B, L]}
     * @param advantages (whitened) advantages {@code [B, L]}
     * @param returns    value targets {@code [B, L]}
     * @param mask       1 for generated tokens, 0 elsewhere {@code [B, L]}
     * @param cliprange ε of the policy ratio
     * @param cliprangeValue the clip range of the value estimates
     * @param vfCoef the weight of the value loss
     * @return the loss and its parts
     */
    public static Result compute(Tensor logp, Tensor values, INDArray oldLogp, INDArray oldValues,
                                 INDArray advantages, INDArray returns, INDArray mask, double cliprange,
                                 double cliprangeValue, double vfCoef) {
        var type = logp.dataType();
        INDArray m = mask.castTo(type);
        double n = m.sumNumber().doubleValue();
        if (n == 0) {
            throw new IllegalArgumentException("the mask selects no token");
        }
        INDArray adv = advantages.castTo(type);
        INDArray oldLp = oldLogp.castTo(type);

        Tensor ratio = logp.sub(Tensor.constant(oldLp)).exp();                                 // (B, L)
        INDArray r = ratio.value();
        INDArray clipped = Transforms.max(Transforms.min(r, 1 + cliprange, true), 1 - cliprange, false);
        INDArray pg1 = adv.neg().mul(r);
        INDArray pg2 = adv.neg().mul(clipped);
        INDArray pgMax = Transforms.max(pg1, pg2, true);
        INDArray pg2Larger = pg2.gt(pg1).castTo(type);
        INDArray ratioInside = r.gte(1 - cliprange).castTo(type).mul(r.lte(1 + cliprange).castTo(type));
        // gradient flows through the unclipped term where it is the larger, or where clipping is inactive
        INDArray pgFlow = pg1.gt(pg2).castTo(type).add(ratioInside).gt(0).castTo(type);
        Tensor pgTerm = ratio.mul(Tensor.constant(adv.neg().mul(pgFlow).mul(m).div(n))).sum();
        double pgLoss = pgMax.mul(m).sumNumber().doubleValue() / n;
        Tensor pgLossTensor = pgTerm.addScalar(pgLoss - pgTerm.item());

        INDArray oldV = oldValues.castTo(type);
        INDArray ret = returns.castTo(type);
        Tensor diff = values.sub(Tensor.constant(ret));                                        // (B, L)
        Tensor vf1 = diff.mul(diff);
        INDArray v = values.value();
        INDArray vClipped = oldV.add(Transforms.max(Transforms.min(v.sub(oldV), cliprangeValue, true),
                -cliprangeValue, false));
        INDArray d2 = vClipped.sub(ret);
        INDArray vf2 = d2.mul(d2);
        INDArray vfMax = Transforms.max(vf1.value(), vf2, true);
        INDArray vInside = v.sub(oldV).gte(-cliprangeValue).castTo(type)
                .mul(v.sub(oldV).lte(cliprangeValue).castTo(type));
        INDArray vfFlow = vf1.value().gt(vf2).castTo(type).add(vInside).gt(0).castTo(type);
        Tensor vfTerm = vf1.mul(Tensor.constant(vfFlow.mul(m).mul(0.5 / n))).sum();
        double vfLoss = 0.5 * vfMax.mul(m).sumNumber().doubleValue() / n;
        Tensor vfLossTensor = vfTerm.addScalar(vfLoss - vfTerm.item());

        Tensor loss = pgLossTensor.add(vfLossTensor.scale(vfCoef));
        double clipFraction = pg2Larger.mul(m).sumNumber().doubleValue() / n;
        double vfClipFraction = vf2.gt(vf1.value()).castTo(type).mul(m).sumNumber().doubleValue() / n;
        INDArray lpDiff = logp.value().sub(oldLp);
        double approxKl = 0.5 * lpDiff.mul(lpDiff).mul(m).sumNumber().doubleValue() / n;
        return new Result(loss, pgLoss, vfLoss, clipFraction, vfClipFraction, approxKl);
    }
}
