package org.decoder4j.examples;

import java.awt.Color;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.Adam;
import org.decoder4j.rl.PpoConfig;
import org.decoder4j.rl.PpoStepStats;
import org.decoder4j.rl.PpoTrainer;
import org.decoder4j.rl.Reinforce;
import org.decoder4j.rl.ReinforceStats;
import org.decoder4j.rl.ReferenceModel;
import org.decoder4j.rl.RewardFunction;
import org.decoder4j.rl.RolloutSampler;

/**
 * Reinforcement learning on the Shakespeare character model with a programmatic reward: 1 when
 * the 20 generated characters use a given word (default "the"), else 0. Runs PPO, then REINFORCE with a
 * baseline from the same starting model, and writes the per-step log ({@code rl-steps.csv}) and
 * the mean-reward curves ({@code reward-curve.png}) into the output directory.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.ShakespearePpo [corpus.txt] [out-dir] [steps] [word] [base-steps]
 * </pre>
 *
 * The pretrained model is read from {@code out-dir/base} if there, else a small one (2 layers,
 * 2 heads, 64 channels, context 64, so that 200 steps of each method take minutes on 2 cores) is
 * trained for {@code base-steps} (default 800) and saved there.
 */
public final class ShakespearePpo {

    /**
     * Speaker headers of the play, all 9 characters long so that the rollouts are generated
     * together; each twice, so a step has 16 rollouts.
     */
    private static final List<String> SPEAKERS = List.of("ESCALUS:\n", "CAMILLO:\n", "LEONTES:\n", "PAULINA:\n",
            "CAPULET:\n", "NORFOLK:\n", "CATESBY:\n", "PERDITA:\n");
    private static final List<String> PROMPTS = java.util.stream.Stream.concat(SPEAKERS.stream(), SPEAKERS.stream())
            .toList();
    private static final double LEARNING_RATE = 1e-3;
    private static final int COMPLETION = 20;

    private ShakespearePpo() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        Path out = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("shakespeare-ppo");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        String word = args.length > 3 ? args[3] : "the";
        int baseSteps = args.length > 4 ? Integer.parseInt(args[4]) : 800;
        Files.createDirectories(out);

        ShakespeareBaseModel.Pretrained base = ShakespeareBaseModel.loadOrTrain(corpus, out.resolve("base"), baseSteps,
                2, 2, 64, 64);
        Pattern pattern = Pattern.compile("\\b" + Pattern.quote(word) + "\\b", Pattern.CASE_INSENSITIVE);
        RewardFunction usesWord = (prompt, completion) -> pattern.matcher(completion).find() ? 1.0 : 0.0;
        Sampling sampling = Sampling.random().seed(1);

        GPT ppoPolicy = ReferenceModel.copyOf(base.model());
        PpoConfig config = PpoConfig.defaults()
                .withLearningRate(LEARNING_RATE).withBatchSize(PROMPTS.size()).withMiniBatchSize(8).withPpoEpochs(4)
                .withMaxGradNorm(1.0).withSeed(1);
        PpoTrainer ppo = PpoTrainer.of(ppoPolicy, config);
        RolloutSampler ppoSampler = new RolloutSampler(base.tokenizer(), sampling, COMPLETION, usesWord);
        List<PpoStepStats> ppoLog = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            PpoStepStats st = ppo.step(ppoSampler.sample(ppoPolicy, PROMPTS));
            ppoLog.add(st);
            if (s % 10 == 0 || s == steps - 1) {
                System.out.printf(Locale.ROOT, "ppo step %3d  reward %.3f  kl %.3f  beta %.4f  entropy %.3f  "
                        + "clipfrac %.3f  value-loss %.4f%n", s, st.meanReward(), st.kl(), st.klCoef(), st.entropy(),
                        st.clipFraction(), st.valueLoss());
            }
        }

        GPT reinforcePolicy = ReferenceModel.copyOf(base.model());
        reinforcePolicy.train(true);
        Reinforce reinforce = Reinforce.of(reinforcePolicy, Adam.lr(LEARNING_RATE)).baseline(true).maxGradNorm(1.0);
        RolloutSampler rfSampler = new RolloutSampler(base.tokenizer(), sampling, COMPLETION, usesWord);
        List<ReinforceStats> rfLog = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            ReinforceStats st = reinforce.step(rfSampler.sample(reinforcePolicy, PROMPTS));
            rfLog.add(st);
            if (s % 10 == 0 || s == steps - 1) {
                System.out.printf(Locale.ROOT, "reinforce step %3d  reward %.3f  baseline %.3f%n", s, st.meanReward(),
                        st.baseline());
            }
        }

        try (BufferedWriter csv = Files.newBufferedWriter(out.resolve("rl-steps.csv"))) {
            csv.write("step,ppo_reward,ppo_kl,ppo_kl_coef,ppo_entropy,ppo_clipfrac,ppo_value_loss,reinforce_reward\n");
            for (int s = 0; s < steps; s++) {
                PpoStepStats p = ppoLog.get(s);
                csv.write(String.format(Locale.ROOT, "%d,%.4f,%.4f,%.5f,%.4f,%.4f,%.5f,%.4f%n", s, p.meanReward(),
                        p.kl(), p.klCoef(), p.entropy(), p.clipFraction(), p.valueLoss(), rfLog.get(s).meanReward()));
            }
        }
        double[] ppoReward = movingMean(ppoLog.stream().mapToDouble(PpoStepStats::meanReward).toArray(), 20);
        double[] rfReward = movingMean(rfLog.stream().mapToDouble(ReinforceStats::meanReward).toArray(), 20);
        RewardCurvePlot.write(out.resolve("reward-curve.png"), "reward: completion uses \"" + word
                        + "\" (mean of the last 20 steps)", "reward",
                List.of(new RewardCurvePlot.Series("PPO", ppoReward, new Color(200, 60, 40)),
                        new RewardCurvePlot.Series("REINFORCE + baseline", rfReward, new Color(40, 90, 200))));
        System.out.printf(Locale.ROOT, "mean reward, first 20 steps -> last 20: PPO %.3f -> %.3f, REINFORCE %.3f -> %.3f%n",
                window(ppoLog.stream().mapToDouble(PpoStepStats::meanReward).toArray(), 0),
                window(ppoLog.stream().mapToDouble(PpoStepStats::meanReward).toArray(), steps - 20),
                window(rfLog.stream().mapToDouble(ReinforceStats::meanReward).toArray(), 0),
                window(rfLog.stream().mapToDouble(ReinforceStats::meanReward).toArray(), steps - 20));
        System.out.printf(Locale.ROOT, "largest PPO KL to the reference: %.3f nats per completion%n",
                ppoLog.stream().mapToDouble(PpoStepStats::kl).max().orElse(0));
        System.out.println("curves in " + out.resolve("reward-curve.png") + ", steps in " + out.resolve("rl-steps.csv"));
    }

    private static double window(double[] v, int from) {
        int start = Math.max(0, from);
        int end = Math.min(v.length, start + 20);
        double sum = 0;
        for (int i = start; i < end; i++) {
            sum += v[i];
        }
        return sum / Math.max(1, end - start);
    }

    private static double[] movingMean(double[] v, int width) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= width) {
                sum -= v[i - width];
            }
            out[i] = sum / Math.min(i + 1, width);
        }
        return out;
    }
}
