package org.decoder4j.rl;

import java.util.List;
import java.util.Objects;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.OptimizerSettings;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * REINFORCE (Williams, 1992) on completions: minimises
 * {@code −mean_b(Σ_t log p(token_{b,t}) · (reward_b − baseline))} over the generated tokens. With
 * the baseline on, it is the running mean of all rewards of earlier steps (0 at the first), which
 * leaves the gradient unbiased and lowers its variance.
 *
 * <pre>{@code
 * Reinforce rl = Reinforce.of(policy, AdamW.lr(1e-4).weightDecay(0)).baseline(true);
 * for (int step = 0; step < 200; step++) {
 *     ReinforceStats s = rl.step(sampler.sample(policy, prompts));
 * }
 * }</pre>
 */
public final class Reinforce {

    private static final Logger LOG = LoggerFactory.getLogger(Reinforce.class);

    private final GPT policy;
    private final Optimizer optimizer;
    private boolean useBaseline;
    private double maxGradNorm;
    private double rewardSum;
    private long rewardCount;
    private long steps;

    private Reinforce(GPT policy, OptimizerSettings optimizer) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.optimizer = optimizer.create(policy.parameters());
    }

    /**
     * REINFORCE for {@code policy}, with an optimizer over its parameters.
     *
     * @param policy the model to train
     * @param optimizer the optimizer's settings
     * @return the trainer
     */
    public static Reinforce of(GPT policy, OptimizerSettings optimizer) {
        return new Reinforce(policy, optimizer);
    }

    /**
     * Subtract the running mean of earlier rewards (default off: the seed's plain REINFORCE).
     *
     * @param on whether to subtract the baseline
     * @return this object
     */
    public Reinforce baseline(boolean on) {
        this.useBaseline = on;
        return this;
    }

    /**
     * Clip the global gradient norm to this value; 0 (default) for no clipping.
     *
     * @param norm the largest gradient norm, {@code >= 0}
     * @return this object
     */
    public Reinforce maxGradNorm(double norm) {
        if (!(norm >= 0)) {
            throw new IllegalArgumentException("max gradient norm must be >= 0, got " + norm);
        }
        this.maxGradNorm = norm;
        return this;
    }

    /**
     * One update from a batch of rollouts of the current policy.
     *
     * @param rollouts rollouts sampled from the current policy
     * @return the step's loss and rewards
     */
    public ReinforceStats step(List<Rollout> rollouts) {
        RolloutBatch batch = RolloutBatch.of(rollouts);
        int b = batch.size();
        double baseline = useBaseline && rewardCount > 0 ? rewardSum / rewardCount : 0;
        double meanReward = 0;
        double[] weight = new double[b];                                    // (reward − baseline) / B
        for (int i = 0; i < b; i++) {
            weight[i] = (batch.rewards()[i] - baseline) / b;
            meanReward += batch.rewards()[i] / b;
        }
        double loss;
        policy.train(true);
        try (MemoryScope scope = MemoryScope.open()) {
            optimizer.zeroGrad();
            Tensor logp = TokenLogProbs.of(policy, batch);                  // (B, T-1)
            INDArray w = batch.mask().castTo(logp.dataType())
                    .mulColumnVector(Nd4j.createFromArray(weight).castTo(logp.dataType()).reshape(b, 1));
            Tensor objective = logp.mul(Tensor.constant(w)).sum().neg();    // −Σ_b Σ_t log p · A_b / B
            objective.backward();
            loss = objective.item();
            FiniteUpdate.clipOrRefuse("reinforce step " + steps, loss, policy.parameters(), maxGradNorm);
            optimizer.step();
        }
        for (double r : batch.rewards()) {
            rewardSum += r;
            rewardCount++;
        }
        ReinforceStats stats = new ReinforceStats(steps++, meanReward, baseline, loss);
        LOG.info(String.format(java.util.Locale.ROOT, "reinforce step %d  reward %.4f  baseline %.4f  loss %.5f",
                stats.step(), meanReward, baseline, loss));
        return stats;
    }
}
