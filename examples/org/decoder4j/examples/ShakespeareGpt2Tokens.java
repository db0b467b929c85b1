package org.decoder4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.CorpusPreparation;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
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
 * Prepares Tiny Shakespeare with GPT-2's BPE, as nanoGPT's {@code data/shakespeare/prepare.py}
 * does (301,966 training and 36,059 validation tokens), and trains a small word-level GPT on it.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.ShakespeareGpt2Tokens [corpus.txt] [steps] [out-dir]
 * </pre>
 *
 * The model's vocabulary is GPT-2's 50,257 tokens, so its embedding (and tied output head) holds
 * most of its weights. Without a corpus path the text is downloaded once into the cache.
 */
public final class ShakespeareGpt2Tokens {

    private ShakespeareGpt2Tokens() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        Path out = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("shakespeare-gpt2");

        Tokenizer tok = Gpt2Tokenizer.standard();
        PreparedCorpus data = CorpusPreparation.with(tok).prepare(corpus, out.resolve("data"));
        TokenDataset train = TokenDataset.open(data.trainFile());
        TokenDataset val = TokenDataset.open(data.valFile());
        System.out.printf("train %d tokens, val %d tokens%n", data.trainTokens(), data.valTokens());

        GPT model = GPT.builder()
                .vocabSize(tok.vocabSize()).contextLength(64)        // 50257; nanoGPT pads to 50304
                .layers(4).heads(4).embeddingSize(128)
                .dropout(0.0).seed(1337)
                .build();

        TrainingReport report = Trainer.forModel(model)
                .data(train, val)
                .batchSize(12).steps(steps)
                .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                .schedule(LrSchedule.warmupCosine(Math.min(50, steps), steps, 1e-4))
                .clipGradNorm(1.0)
                .evalEvery(Math.max(1, steps / 2))                 // the whole validation split: ~20 s on 2 cores
                .listener(new LoggingListener(Math.max(1, steps / 20)))
                .checkpointDir(out.resolve("model"))
                .fit();
        tok.save(out.resolve("model"));

        System.out.printf("steps %d, median step %.1f ms, validation loss %.4f (perplexity %.1f)%n",
                report.steps(), report.medianStepMillis(), report.finalValLoss(), Math.exp(report.finalValLoss()));
        System.out.println(Generator.of(model).generate(tok, "ROMEO:", Sampling.random().topK(40).temperature(0.8).seed(7), 60));
    }
}
