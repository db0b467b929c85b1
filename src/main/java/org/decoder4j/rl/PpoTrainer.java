package org.decoder4j.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.decoder4j.data.batch.RandomPermutation;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.Adam;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proximal policy optimisation of a language model as TRL's {@code PPOTrainer} does it: a value
 * head on the policy, a frozen reference copy taken at construction, a per-token reward
 * {@code −β·(log p − log p_ref)} plus the rollout's score on its last token, GAE, whitened
 * advantages, and {@code ppoEpochs} passes of clipped policy and value updates over shuffled
 * minibatches of each batch of rollouts.
 *
 * <pre>{@code
 * PpoTrainer ppo = PpoTrainer.of(policy, PpoConfig.defaults().withBatchSize(16).withMiniBatchSize(4));
 * RolloutSampler sampler = new RolloutSampler(tokenizer, Sampling.random().seed(1), 24, reward);
 * for (int step = 0; step < 200; step++) {
 *     PpoStepStats s = ppo.step(sampler.sample(policy, prompts));   // reward, KL, entropy, clip fraction...
 * }
 * }</pre>
 *
 * <p>The policy and value head share the transformer and are updated together with Adam at
 * {@link PpoConfig#learningRate()}; dropout stays as the policy was built (use 0).
 */
public final class PpoTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(PpoTrainer.class);

    private final GPT policy;
    private final GPT reference;
    private final ValueHead valueHead;
    private final PpoConfig config;
    private final KlController kl;
    private final Optimizer optimizer;
    private final List<Tensor> parameters = new ArrayList<>();
    private long steps;

    private PpoTrainer(GPT policy, PpoConfig config) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.config = Objects.requireNonNull(config, "config");
        this.reference = ReferenceModel.copyOf(policy);
        this.valueHead = new ValueHead(policy.config().embeddingSize(), policy.dataType());
        this.kl = config.klController();
        parameters.addAll(policy.parameters());
        parameters.addAll(valueHead.parameters());
        this.optimizer = Adam.lr(config.learningRate()).create(parameters);
    }

    /**
     * A trainer for {@code policy}; its current weights become the frozen reference.
     *
     * @param policy the model to train
     * @param config the PPO settings
     * @return the trainer
     */
    public static PpoTrainer of(GPT policy, PpoConfig config) {
        return new PpoTrainer(policy, config);
    }

    /**
     * The value head trained alongside the policy.
     *
     * @return the value head
     */
    public ValueHead valueHead() {
        return valueHead;
    }

    /**
     * The frozen reference model.
     *
     * @return the reference model
     */
    public GPT reference() {
        return reference;
    }

    /**
     * The KL coefficient the next step will use.
     *
     * @return β
     */
    public double klCoefficient() {
        return kl.value();
    }

    /**
     * One PPO step on rollouts sampled from the current policy.
     *
     * @param rollouts the batch's rollouts, {@code batchSize} of them
     * @return the step's losses, rewards and KL
     */
    public PpoStepStats step(List<Rollout> rollouts) {
        RolloutBatch batch = RolloutBatch.of(rollouts);
        int b = batch.size();
        int positions = (int) batch.targets().size(1);                            // T-1
        double[][] oldLogp;
        double[][] oldValues;
        double[][] refLogp;
        double entropy;
        boolean wasTraining = policy.isTraining();
        policy.eval();
        try (NoGrad ignored = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            Tensor hidden = policy.hidden(batch.inputs());                        // (B, T, C)
            Tensor logits = policy.head(hidden);                                  // (B, T, V)
            oldLogp = toMatrix(TokenLogProbs.fromLogits(logits, batch.targets()).value());
            oldValues = toMatrix(valueHead.forward(hidden).narrow(1, 0, positions).value());
            refLogp = toMatrix(TokenLogProbs.of(reference, batch).value());
            entropy = meanEntropy(logits.narrow(1, 0, positions).value(), batch.mask());
        } finally {
            policy.train(wasTraining);
        }

        double beta = kl.value();
        double[][] advantages = new double[b][positions];
        double[][] returns = new double[b][positions];
        double meanKl = 0;
        double meanReward = 0;
        for (int row = 0; row < b; row++) {
            int start = batch.starts()[row];
            int length = rollouts.get(row).completion().length;
            double[] rewards = new double[length];
            double[] values = new double[length];
            for (int j = 0; j < length; j++) {
                double klToken = oldLogp[row][start + j] - refLogp[row][start + j];
                meanKl += klToken / b;
                rewards[j] = -beta * klToken;
                values[j] = oldValues[row][start + j];
            }
            rewards[length - 1] += batch.rewards()[row];
            meanReward += batch.rewards()[row] / b;
            Advantages a = Advantages.gae(rewards, values, config.gamma(), config.lam());
            for (int j = 0; j < length; j++) {
                advantages[row][start + j] = a.advantages()[j];
                returns[row][start + j] = a.returns()[j];
            }
        }
        whitenMasked(advantages, batch);

        INDArray oldLp = MemoryScope.persistent(() -> Nd4j.createFromArray(oldLogp));
        INDArray oldV = MemoryScope.persistent(() -> Nd4j.createFromArray(oldValues));
        INDArray adv = MemoryScope.persistent(() -> Nd4j.createFromArray(advantages));
        INDArray ret = MemoryScope.persistent(() -> Nd4j.createFromArray(returns));

        Random random = new Random(config.seed() * 1_000_003L + steps);
        double clip = 0;
        double valueLoss = 0;
        double policyLoss = 0;
        double approxKl = 0;
        int updates = 0;
        policy.train(true);
        for (int epoch = 0; epoch < config.ppoEpochs(); epoch++) {
            int[] order = RandomPermutation.of(b, random);
            for (int from = 0; from < b; from += config.miniBatchSize()) {
                int[] rows = java.util.Arrays.copyOfRange(order, from, Math.min(b, from + config.miniBatchSize()));
                RolloutBatch mini = batch.rows(rows);
                try (MemoryScope scope = MemoryScope.open()) {
                    optimizer.zeroGrad();
                    Tensor hidden = policy.hidden(mini.inputs());                 // (b, T, C)
                    Tensor logp = TokenLogProbs.fromLogits(policy.head(hidden), mini.targets());   // (b, T-1)
                    Tensor values = valueHead.forward(hidden).narrow(1, 0, positions);           // (b, T-1)
                    PpoLoss.Result r = PpoLoss.compute(logp, values, oldLp.getRows(rows), oldV.getRows(rows),
                            adv.getRows(rows), ret.getRows(rows), mini.mask(), config.cliprange(),
                            config.cliprangeValue(), config.vfCoef());
                    r.loss().backward();
                    FiniteUpdate.clipOrRefuse("ppo step " + steps + ", epoch " + epoch, r.loss().item(), parameters,
                            config.maxGradNorm());
                    optimizer.step();
                    clip += r.clipFraction();
                    valueLoss += r.valueLoss();
                    policyLoss += r.policyLoss();
                    approxKl += r.approxKl();
                    updates++;
                }
            }
        }
        policy.train(wasTraining);
        kl.update(meanKl, b);
        PpoStepStats stats = new PpoStepStats(steps++, meanReward, meanKl, beta, entropy, clip / updates,
                valueLoss / updates, policyLoss / updates, approxKl / updates);
        LOG.info(String.format(java.util.Locale.ROOT, "ppo step %d  reward %.4f  kl %.4f  kl-coef %.4f  entropy %.4f  "
                + "clipfrac %.4f  value-loss %.5f", stats.step(), meanReward, meanKl, beta, entropy, stats.clipFraction(),
                stats.valueLoss()));
        return stats;
    }

    /** Whitens the advantages of all generated tokens of the batch together, in place. */
    private static void whitenMasked(double[][] advantages, RolloutBatch batch) {
        double[] mask = batch.mask().castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        int positions = advantages[0].length;
        int n = 0;
        for (double m : mask) {
            n += m > 0 ? 1 : 0;
        }
        double[] values = new double[n];
        int k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] > 0) {
                values[k++] = advantages[i / positions][i % positions];
            }
        }
        Advantages.whiten(values);
        k = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] > 0) {
                advantages[i / positions][i % positions] = values[k++];
            }
        }
    }

    /** Mean over masked positions of −Σ p·log p, from logits {@code [B, L, V]}. */
    private static double meanEntropy(INDArray logits, INDArray mask) {
        long v = logits.size(2);
        INDArray flat = logits.reshape(logits.length() / v, v);                   // (B·L, V)
        INDArray logp = Nd4j.exec(new LogSoftMax(flat, 1))[0];
        INDArray h = Transforms.exp(logp, true).muli(logp).sum(1).negi();          // (B·L)
        INDArray m = mask.castTo(h.dataType()).reshape(h.length());
        return h.mul(m).sumNumber().doubleValue() / m.sumNumber().doubleValue();
    }

    private static double[][] toMatrix(INDArray a) {
        return a.castTo(DataType.DOUBLE).toDoubleMatrix();
    }
}
