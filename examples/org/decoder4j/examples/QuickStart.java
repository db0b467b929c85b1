package org.decoder4j.examples;

import java.io.IOException;
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
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingReport;

/**
 * The README's quick start: train a character-level GPT on Tiny Shakespeare, print the
 * validation loss and a sample, save the model. Arguments, all optional: a text file (default:
 * Tiny Shakespeare, downloaded once into ~/.cache/decoder4j), the number of steps (2000) and the
 * output directory (out).
 */
public final class QuickStart {

    private QuickStart() {
    }

    public static void main(String[] args) throws IOException {
        Path text = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path out = Path.of(args.length > 2 ? args[2] : "out");

        // nanoGPT's character preparation: 90% train.bin, 10% val.bin, tokenizer.json
        PreparedCorpus corpus = CharCorpusPreparation.prepare(text, out.resolve("data"));
        Tokenizer tok = Tokenizer.load(corpus.directory());               // 65 characters for Shakespeare
        TokenDataset train = TokenDataset.open(corpus.trainFile());
        TokenDataset val = TokenDataset.open(corpus.valFile());

        GPT model = GPT.builder()
                .vocabSize(tok.vocabSize()).contextLength(64)
                .layers(4).heads(4).embeddingSize(128)
                .dropout(0.0).seed(1337)
                .build();

        TrainingReport report = Trainer.forModel(model)
                .data(train, val)
                .batchSize(12).steps(steps)
                .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                .schedule(LrSchedule.warmupCosine(100, 2000, 1e-4))
                .clipGradNorm(1.0)
                .evalEvery(250).evalIters(20)   // sampled every 250 steps; the last evaluation is a full pass
                .fit();
        System.out.printf("validation loss %.4f (perplexity %.2f) after %d steps, %.0f tokens/s%n",
                report.finalValLoss(), Math.exp(report.finalValLoss()), report.steps(), report.tokensPerSecond());

        Sampling sampling = Sampling.random().temperature(0.8).topK(40).seed(7);   // drop seed(7) for new text each run
        System.out.println(Generator.of(model, tok).generate("ROMEO:", sampling, 300));

        model.save(out.resolve("model"));                                  // config.json + model.safetensors
        tok.save(out.resolve("model"));                                    // tokenizer.json
    }
}
