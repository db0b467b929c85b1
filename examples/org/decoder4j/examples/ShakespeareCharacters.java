package org.decoder4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.CharCorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingReport;

/**
 * Trains a character-level GPT on Tiny Shakespeare with nanoGPT's CPU recipe and prints a sample.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.ShakespeareCharacters [corpus.txt] [steps] [out-dir]
 * </pre>
 *
 * Without a corpus path the text is downloaded once into the cache; 2000 steps is the full recipe.
 */
public final class ShakespeareCharacters {

    private ShakespeareCharacters() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path out = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("shakespeare-char");

        PreparedCorpus data = CharCorpusPreparation.prepare(corpus, out.resolve("data"));
        Tokenizer tok = Tokenizer.load(data.directory());
        TokenDataset train = TokenDataset.open(data.trainFile());
        TokenDataset val = TokenDataset.open(data.valFile());

        GPT model = GPT.builder()
                .vocabSize(tok.vocabSize()).contextLength(64)
                .layers(4).heads(4).embeddingSize(128)
                .dropout(0.0).seed(1337)
                .build();

        TrainingReport report = Trainer.forModel(model)
                .data(train, val)
                .batchSize(12).steps(steps)
                .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                .schedule(LrSchedule.warmupCosine(Math.min(100, steps), steps, 1e-4))
                .clipGradNorm(1.0)
                .evalEvery(250)
                .listener(new LoggingListener(Math.max(1, steps / 20)))
                .checkpointDir(out.resolve("model"))
                .fit();
        tok.save(out.resolve("model"));

        // The trainer scores the whole validation file every 250 steps and after the last one.
        System.out.printf("steps %d, median step %.1f ms, validation loss %.4f (perplexity %.2f)%n",
                report.steps(), report.medianStepMillis(), report.finalValLoss(), Math.exp(report.finalValLoss()));
        System.out.println(Generator.of(model).generate(tok, "ROMEO:", Sampling.random().topK(40).temperature(0.8).seed(7), 300));
    }
}
