package org.decoder4j.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class RolloutSamplerTest {

    private static final CharTokenizer TOK = CharTokenizer.fit("abcde");

    private static GPT model() {
        return GPT.builder().vocabSize(5).contextLength(12).layers(1).heads(2).embeddingSize(8).seed(9)
                .dataType(DataType.DOUBLE).build();
    }

    @Test
    void batchedRolloutsDrawWhatTheGeneratorDrawsFromTheSameSeeds() {
        GPT model = model();
        List<String> prompts = List.of("ab", "cde", "ba", "e");
        RolloutSampler sampler = new RolloutSampler(TOK, Sampling.random().seed(40), 7,
                (p, c) -> c.chars().filter(ch -> ch == 'a').count());
        List<Rollout> rollouts = sampler.sample(model, prompts);
        for (int i = 0; i < prompts.size(); i++) {
            int[] prompt = TOK.encode(prompts.get(i));
            int[] all = Generator.of(model).generate(prompt, Sampling.random().seed(40 + i), 7, t -> { });
            Rollout r = rollouts.get(i);
            assertArrayEquals(Arrays.copyOfRange(all, prompt.length, all.length), r.completion(), "prompt " + i);
            assertEquals(r.completionText().chars().filter(ch -> ch == 'a').count(), r.reward());
        }
        assertThrows(IllegalArgumentException.class,
                () -> new RolloutSampler(TOK, Sampling.random(), 12, (p, c) -> 0).sample(model, List.of("ab")));
    }

    @Test
    void tokenLogProbsOfABatchAreThoseOfEachRowAlone() {
        GPT model = model();
        Rollout shortOne = new Rollout(new int[] {1}, new int[] {2, 3}, "b", "cd", 0);
        Rollout longOne = new Rollout(new int[] {0, 4, 4}, new int[] {1, 0}, "aee", "ba", 1);
        RolloutBatch batch = RolloutBatch.of(List.of(shortOne, longOne));
        assertArrayEquals(new double[] {1, 1, 0, 0}, batch.mask().getRow(0).toDoubleVector());
        assertArrayEquals(new double[] {0, 0, 1, 1}, batch.mask().getRow(1).toDoubleVector());
        Tensor logp = TokenLogProbs.of(model, batch);                              // (2, 4)
        // row 0 alone: log p(2 | 1) and log p(3 | 1 2) from the model's softmax
        double[][] logits = model.forward(Nd4j.createFromArray(new long[][] {{1, 2, 3}})).value()
                .reshape(3, 5).toDoubleMatrix();
        assertEquals(logSoftmax(logits[0], 2), logp.value().getDouble(0, 0), 1e-12);
        assertEquals(logSoftmax(logits[1], 3), logp.value().getDouble(0, 1), 1e-12);
    }

    private static double logSoftmax(double[] row, int k) {
        double max = Arrays.stream(row).max().orElseThrow();
        double sum = 0;
        for (double v : row) {
            sum += Math.exp(v - max);
        }
        return row[k] - max - Math.log(sum);
    }
}
