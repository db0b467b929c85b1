package org.decoder4j.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Samples completions from the current policy with the generation module and scores them. Every
 * completion is exactly {@code completionLength} tokens (there is no end-of-text token to stop
 * at); draw {@code i} of the sampler uses seed {@code base + i}, where {@code base} is the policy's
 * seed, so a seeded run is repeatable. An unseeded policy gets a fresh random base per sampler.
 *
 * <pre>{@code
 * RolloutSampler sampler = new RolloutSampler(tokenizer, Sampling.random().seed(1), 24, reward);
 * List<Rollout> batch = sampler.sample(policy, List.of("ROMEO:\n", "JULIET:\n"));
 * }</pre>
 */
public final class RolloutSampler {

    private final Tokenizer tokenizer;
    private final Sampling sampling;
    private final int completionLength;
    private final RewardFunction reward;
    private final long baseSeed;
    private long draws;

    /**
     * A sampler of completions of {@code completionLength} tokens, scored by {@code reward}.
     *
     * @param tokenizer encodes prompts and decodes completions
     * @param sampling how each token is chosen; its seed, if any, makes the run repeatable
     * @param completionLength the tokens of each completion, {@code >= 1}
     * @param reward scores each completion
     */
    public RolloutSampler(Tokenizer tokenizer, Sampling sampling, int completionLength, RewardFunction reward) {
        if (completionLength < 1) {
            throw new IllegalArgumentException("completion length must be >= 1, got " + completionLength);
        }
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.completionLength = completionLength;
        this.reward = Objects.requireNonNull(reward, "reward");
        this.baseSeed = sampling.seed().isPresent() ? sampling.seed().getAsLong() : new SplittableRandom().nextLong();
    }

    /**
     * One rollout per prompt, in order, from {@code policy} as it is now. With plain temperature
     * sampling (no top-k, no top-p) the prompts of equal token length are extended together, one
     * batched forward pass per token; otherwise each goes through {@link Generator} on its own.
     * Both draw the same tokens from the same seeds.
     *
     * @param policy the model to sample from
     * @param prompts the prompts
     * @return the rollouts, scored
     */
    public List<Rollout> sample(GPT policy, List<String> prompts) {
        int[][] encoded = new int[prompts.size()][];
        long[] seeds = new long[prompts.size()];
        Map<Integer, List<Integer>> byLength = new LinkedHashMap<>();
        for (int i = 0; i < prompts.size(); i++) {
            encoded[i] = tokenizer.encode(prompts.get(i));
            if (encoded[i].length + completionLength > policy.config().contextLength() + 1) {
                throw new IllegalArgumentException("prompt of " + encoded[i].length + " tokens plus " + completionLength
                        + " generated ones does not fit the model's context " + policy.config().contextLength());
            }
            seeds[i] = baseSeed + draws++;
            byLength.computeIfAbsent(encoded[i].length, k -> new ArrayList<>()).add(i);
        }
        int[][] completions = new int[prompts.size()][];
        boolean batched = sampling.topK() == 0 && sampling.topP() == 1;
        for (List<Integer> group : byLength.values()) {
            if (batched) {
                int[][] out = generateTogether(policy, group, encoded, seeds);
                for (int g = 0; g < group.size(); g++) {
                    completions[group.get(g)] = out[g];
                }
            } else {
                for (int i : group) {
                    int[] all = Generator.of(policy).generate(encoded[i], sampling.seed(seeds[i]), completionLength,
                            t -> { });
                    completions[i] = Arrays.copyOfRange(all, encoded[i].length, all.length);
                }
            }
        }
        List<Rollout> out = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            String text = tokenizer.decode(completions[i]);
            out.add(new Rollout(encoded[i], completions[i], prompts.get(i), text, reward.reward(prompts.get(i), text)));
        }
        return out;
    }

    /** Extends prompts of one length together: one forward pass of {@code [G, t]} per new token. */
    private int[][] generateTogether(GPT policy, List<Integer> group, int[][] prompts, long[] seeds) {
        int g = group.size();
        int p = prompts[group.get(0)].length;
        long[][] seq = new long[g][p + completionLength];
        SplittableRandom[] randoms = new SplittableRandom[g];
        for (int r = 0; r < g; r++) {
            int[] prompt = prompts[group.get(r)];
            for (int i = 0; i < p; i++) {
                seq[r][i] = prompt[i];
            }
            randoms[r] = new SplittableRandom(seeds[group.get(r)]);
        }
        boolean wasTraining = policy.isTraining();
        policy.eval();
        try (NoGrad ignored = NoGrad.enter()) {
            for (int n = p; n < p + completionLength; n++) {
                double[][] last;
                try (MemoryScope scope = MemoryScope.open()) {
                    long[] flat = new long[g * n];
                    for (int r = 0; r < g; r++) {
                        System.arraycopy(seq[r], 0, flat, r * n, n);
                    }
                    INDArray logits = policy.forward(Nd4j.create(flat, new long[] {g, n}, DataType.INT64)).value();
                    last = logits.get(NDArrayIndex.all(), NDArrayIndex.point(n - 1), NDArrayIndex.all())
                            .castTo(DataType.DOUBLE).toDoubleMatrix();                 // (G, V)
                }
                for (int r = 0; r < g; r++) {
                    seq[r][n] = draw(last[r], randoms[r]);
                }
            }
        } finally {
            policy.train(wasTraining);
        }
        int[][] out = new int[g][completionLength];
        for (int r = 0; r < g; r++) {
            for (int i = 0; i < completionLength; i++) {
                out[r][i] = (int) seq[r][p + i];
            }
        }
        return out;
    }

    /** A token from softmax(logits / temperature), or the most likely one at temperature 0. */
    private int draw(double[] logits, SplittableRandom random) {
        int v = logits.length;
        int best = 0;
        for (int i = 1; i < v; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        if (sampling.temperature() == 0) {
            return best;
        }
        double[] weight = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            weight[i] = Math.exp((logits[i] - logits[best]) / sampling.temperature());
            sum += weight[i];
        }
        double u = random.nextDouble();
        double c = 0;
        for (int i = 0; i < v; i++) {
            c += weight[i] / sum;
            if (u < c) {
                return i;
            }
        }
        return v - 1;
    }

    /**
     * The tokens of each completion.
     *
     * @return the completion length
     */
    public int completionLength() {
        return completionLength;
    }
}
