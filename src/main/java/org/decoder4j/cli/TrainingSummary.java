package org.decoder4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.train.TrainingReport;

/**
 * What {@code train} prints when a run ends: time, losses, where the model went, and a sample of
 * {@code sampleTokens} tokens when the tokenizer is known.
 *
 * @param o            the command's standard output
 * @param out          the output directory
 * @param sampleTokens tokens of the sample, 0 for none
 * @param seed         the sample's seed
 */
record TrainingSummary(PrintWriter o, Path out, int sampleTokens, long seed) {

    void print(TrainingReport r, GPT model, Tokenizer tokenizer, TrainingData d) {
        long seconds = Math.round(r.totalSeconds());
        o.printf(Locale.ROOT, "trained %d steps in %d:%02d (median step %.1f ms, %.0f tokens/s)%n", r.steps(),
                seconds / 60, seconds % 60, r.medianStepMillis(), r.tokensPerSecond());
        List<String> losses = new ArrayList<>();
        losses.add(String.format(Locale.ROOT, "train loss %.4f", r.finalTrainLoss()));
        if (d.val() != null) {
            losses.add(String.format(Locale.ROOT, "val loss %.4f (best %.4f, kept in %s)", r.finalValLoss(),
                    r.bestValLoss(), out.resolve("best")));
        }
        if (r.skippedSteps() > 0) {
            losses.add(r.skippedSteps() + " steps skipped for non-finite fp16 gradients");
        }
        o.println(String.join(", ", losses));
        o.println("model saved to " + out);
        if (tokenizer != null && sampleTokens > 0) {
            int[] prompt = samplePrompt(tokenizer, d.train());
            Sampling sampling = Sampling.random().topK(Math.min(200, model.config().vocabSize())).temperature(0.8)
                    .seed(seed);
            int[] ids = Generator.of(model, tokenizer).generate(prompt, sampling, sampleTokens, id -> { });
            o.println();
            o.println(tokenizer.decode(ids));
        }
        o.flush();
    }

    /** A line break when the tokenizer has one, else the first training token. */
    private static int[] samplePrompt(Tokenizer tokenizer, TokenDataset train) {
        try {
            return tokenizer.encode("\n");
        } catch (IllegalArgumentException e) {
            return new int[] {train.get(0)};
        }
    }
}
