package org.decoder4j.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class PpoTrainerTest {

    private static final CharTokenizer TOK = CharTokenizer.fit("abcde");
    private static final List<String> PROMPTS = List.of("ab", "cd", "ea", "bc", "de", "ae", "cb", "da");
    /** The share of generated characters that are 'a'. */
    private static final RewardFunction SHARE_OF_A =
            (prompt, completion) -> completion.chars().filter(c -> c == 'a').count() / (double) completion.length();

    private static GPT tiny() {
        return GPT.builder().vocabSize(5).contextLength(12).layers(1).heads(2).embeddingSize(16).seed(5).build();
    }

    private static List<INDArray> snapshot(GPT model) {
        List<INDArray> copy = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            copy.add(p.value().dup());
        }
        return copy;
    }

    private static double drift(GPT model, List<INDArray> before) {
        double worst = 0;
        List<Tensor> now = model.parameters();
        for (int i = 0; i < now.size(); i++) {
            worst = Math.max(worst, now.get(i).value().sub(before.get(i)).amaxNumber().doubleValue());
        }
        return worst;
    }


    @Test
    void zeroRewardAndZeroKlCoefficientLeaveThePolicyWhereItWas() {
        GPT policy = tiny();
        List<INDArray> before = snapshot(policy);
        PpoConfig config = PpoConfig.defaults().withFixedKl(0).withLearningRate(1e-2).withBatchSize(8)
                .withMiniBatchSize(4).withPpoEpochs(2);
        PpoTrainer ppo = PpoTrainer.of(policy, config);
        RolloutSampler sampler = new RolloutSampler(TOK, Sampling.random().seed(3), 6, (p, c) -> 0.0);
        for (int s = 0; s < 3; s++) {
            PpoStepStats stats = ppo.step(sampler.sample(policy, PROMPTS));
            assertEquals(0.0, stats.kl(), 1e-6);
        }
        assertEquals(0.0, drift(policy, before), 1e-7, "parameter drift with no reward and no KL penalty");

        // control: the same run with a reward moves the parameters
        GPT other = tiny();
        PpoTrainer rewarded = PpoTrainer.of(other, config);
        RolloutSampler scored = new RolloutSampler(TOK, Sampling.random().seed(3), 6, SHARE_OF_A);
        rewarded.step(scored.sample(other, PROMPTS));
        assertTrue(drift(other, before) > 1e-4, "a reward must move the policy");
    }

    @Test
    void ppoRaisesTheRewardAndLogsItsStatistics() {
        GPT policy = tiny();
        PpoConfig config = PpoConfig.defaults().withLearningRate(3e-3).withBatchSize(8).withMiniBatchSize(4)
                .withFixedKl(0.05);
        List<PpoStepStats> log = new ArrayList<>();
        PpoTrainer ppo = PpoTrainer.of(policy, config);
        RolloutSampler sampler = new RolloutSampler(TOK, Sampling.random().seed(11), 6, SHARE_OF_A);
        for (int s = 0; s < 15; s++) {
            log.add(ppo.step(sampler.sample(policy, PROMPTS)));
        }
        double first = (log.get(0).meanReward() + log.get(1).meanReward() + log.get(2).meanReward()) / 3;
        double last = (log.get(12).meanReward() + log.get(13).meanReward() + log.get(14).meanReward()) / 3;
        assertTrue(last > first + 0.2, "mean reward of the first 3 steps " + first + ", of the last 3 " + last);
        PpoStepStats end = log.get(14);
        assertTrue(end.kl() > 0, "the policy has moved away from the reference: KL " + end.kl());
        assertTrue(end.entropy() > 0 && end.entropy() < Math.log(5) + 1e-9, "entropy " + end.entropy());
        assertTrue(end.clipFraction() >= 0 && end.clipFraction() <= 1);
        assertTrue(end.valueLoss() >= 0);
        assertEquals(0.05, end.klCoef(), 0);
    }

    @Test
    void reinforceWithBaselineRaisesTheReward() {
        GPT policy = tiny();
        Reinforce rl = Reinforce.of(policy, AdamW.lr(3e-3).weightDecay(0)).baseline(true);
        RolloutSampler sampler = new RolloutSampler(TOK, Sampling.random().seed(11), 6, SHARE_OF_A);
        List<ReinforceStats> log = new ArrayList<>();
        for (int s = 0; s < 30; s++) {
            log.add(rl.step(sampler.sample(policy, PROMPTS)));
        }
        assertEquals(0.0, log.get(0).baseline(), 0, "no baseline before any reward was seen");
        assertEquals(log.get(0).meanReward(), log.get(1).baseline(), 1e-12, "running mean of earlier rewards");
        double first = (log.get(0).meanReward() + log.get(1).meanReward() + log.get(2).meanReward()) / 3;
        double last = (log.get(27).meanReward() + log.get(28).meanReward() + log.get(29).meanReward()) / 3;
        assertTrue(last > first + 0.2, "mean reward of the first 3 steps " + first + ", of the last 3 " + last);
    }

    @Test
    void adaptiveKlCoefficientFollowsTheTarget() {
        KlController c = KlController.adaptive(0.2, 6, 10000);
        c.update(12, 256);          // error clipped to +0.2: β·(1 + 0.2·256/10000)
        assertEquals(0.2 * (1 + 0.2 * 256 / 10000.0), c.value(), 1e-15);
        c.update(3, 256);           // error −0.5 clipped to −0.2
        assertEquals(0.2 * (1 + 0.2 * 256 / 10000.0) * (1 - 0.2 * 256 / 10000.0), c.value(), 1e-15);
    }
}
