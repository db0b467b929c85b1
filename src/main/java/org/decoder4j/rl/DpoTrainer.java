package org.decoder4j.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.OptimizerSettings;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct preference optimisation: each step lowers {@link DpoLoss} on a batch of preference
 * pairs, with the completions' summed token log-probabilities under the policy and under a
 * frozen copy of it taken at construction.
 *
 * <pre>{@code
 * DpoTrainer dpo = DpoTrainer.of(policy, tokenizer, AdamW.lr(1e-5).weightDecay(0), 0.1);
 * DpoTrainer.Stats s = dpo.step(PreferencePair.read(Path.of("pairs.jsonl")).subList(0, 8));
 * }</pre>
 */
public final class DpoTrainer {

    /**
     * What one step did.
     *
     * @param loss     the DPO loss before the update
     * @param margin   mean of chosen minus rejected implicit rewards
     * @param accuracy share of pairs whose chosen completion had the higher implicit reward
     */
    public record Stats(double loss, double margin, double accuracy) {
    }

    private final GPT policy;
    private final GPT reference;
    private final Tokenizer tokenizer;
    private final Optimizer optimizer;
    private final double beta;
    private double maxGradNorm;

    private DpoTrainer(GPT policy, Tokenizer tokenizer, OptimizerSettings optimizer, double beta) {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be > 0, got " + beta);
        }
        this.policy = Objects.requireNonNull(policy, "policy");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.reference = ReferenceModel.copyOf(policy);
        this.optimizer = optimizer.create(policy.parameters());
        this.beta = beta;
    }

    /**
     * A trainer whose reference is {@code policy} as it is now; β is TRL's {@code beta} (0.1 there).
     *
     * @param policy the model to train
     * @param tokenizer encodes the prompts and completions
     * @param optimizer the optimizer's settings
     * @param beta β, the strength of the pull toward the reference
     * @return the trainer
     */
    public static DpoTrainer of(GPT policy, Tokenizer tokenizer, OptimizerSettings optimizer, double beta) {
        return new DpoTrainer(policy, tokenizer, optimizer, beta);
    }

    /**
     * Clip the global gradient norm to this value; 0 (default) for none.
     *
     * @param norm the largest gradient norm, {@code >= 0}
     * @return this trainer
     */
    public DpoTrainer maxGradNorm(double norm) {
        this.maxGradNorm = norm;
        return this;
    }

    /**
     * One update on the pairs.
     *
     * @param pairs the preference pairs of this step
     * @return the step's loss, accuracy and margins
     */
    public Stats step(List<PreferencePair> pairs) {
        RolloutBatch chosen = batch(pairs, true);
        RolloutBatch rejected = batch(pairs, false);
        INDArray refChosen;
        INDArray refRejected;
        try (NoGrad ignored = NoGrad.enter()) {
            refChosen = MemoryScope.persistent(() -> sequenceLogProb(reference, chosen).value().dup());
            refRejected = MemoryScope.persistent(() -> sequenceLogProb(reference, rejected).value().dup());
        }
        policy.train(true);
        try (MemoryScope scope = MemoryScope.open()) {
            optimizer.zeroGrad();
            DpoLoss.Result r = DpoLoss.compute(sequenceLogProb(policy, chosen), sequenceLogProb(policy, rejected),
                    refChosen, refRejected, beta);
            r.loss().backward();
            FiniteUpdate.clipOrRefuse("dpo step " + optimizer.stepCount(), r.loss().item(), policy.parameters(),
                    maxGradNorm);
            optimizer.step();
            double margin = 0;
            for (int i = 0; i < pairs.size(); i++) {
                margin += (r.chosenRewards()[i] - r.rejectedRewards()[i]) / pairs.size();
            }
            return new Stats(r.loss().item(), margin, r.accuracy());
        }
    }

    /** Summed log-probability of each row's completion, {@code [B]}. */
    static Tensor sequenceLogProb(GPT model, RolloutBatch batch) {
        Tensor logp = TokenLogProbs.of(model, batch);                                   // (B, T-1)
        return logp.mul(Tensor.constant(batch.mask().castTo(logp.dataType()))).sum(false, 1);   // (B)
    }

    private RolloutBatch batch(List<PreferencePair> pairs, boolean chosen) {
        List<Rollout> rows = new ArrayList<>();
        for (PreferencePair p : pairs) {
            String completion = chosen ? p.chosen() : p.rejected();
            rows.add(new Rollout(tokenizer.encode(p.prompt()), tokenizer.encode(completion), p.prompt(), completion, 0));
        }
        return RolloutBatch.of(rows);
    }
}
