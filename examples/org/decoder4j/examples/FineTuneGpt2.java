package org.decoder4j.examples;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Fine-tunes a pretrained GPT-2 from the Hugging Face Hub on Tiny Shakespeare in GPT-2 tokens, as
 * nanoGPT's {@code finetune_shakespeare} configuration does (constant learning rate 3e-5, no
 * dropout, context 1024), then samples from the result.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.FineTuneGpt2 [repository] [steps] [batch] [context] [corpus.txt] [out-dir]
 * java -cp … org.decoder4j.examples.FineTuneGpt2 openai-community/gpt2 20 1 1024
 * </pre>
 *
 * The model comes through the cache shared with Python's huggingface_hub (HF_HUB_CACHE, HF_HOME,
 * HF_ENDPOINT, HF_HUB_OFFLINE and HF_TOKEN apply). GPT-2's tokenizer is decoder4j's own
 * {@link Gpt2Tokenizer} (the same ids as the repository's vocab.json + merges.txt), used where the
 * repository has no tokenizer files (a random checkpoint made by tools/bench/make_hub_checkpoint.py).
 * nanoGPT accumulates 32 batches of one window per step; here each step is one batch.
 */
public final class FineTuneGpt2 {

    private FineTuneGpt2() {
    }

    public static void main(String[] args) throws Exception {
        String repository = args.length > 0 ? args[0] : "openai-community/gpt2";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int context = args.length > 3 ? Integer.parseInt(args[3]) : 1024;
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 4 ? Path.of(args[4]) : null);
        Path out = args.length > 5 ? Path.of(args[5]) : Files.createTempDirectory("finetune-gpt2");

        GPT model = GPT.fromPretrained(repository);                      // config.json + model.safetensors
        Tokenizer tok;
        try {
            tok = Tokenizer.fromPretrained(repository);                  // vocab.json + merges.txt
        } catch (NoSuchFileException noTokenizerFiles) {
            tok = Gpt2Tokenizer.standard();
        }
        System.out.printf("%s: %.1f M parameters, context %d%n", repository, model.parameterCount() / 1e6,
                model.config().contextLength());

        PreparedCorpus data = CorpusPreparation.with(tok).prepare(corpus, out.resolve("data"));
        TokenDataset train = TokenDataset.open(data.trainFile());
        TokenDataset val = TokenDataset.open(data.valFile());

        TrainingReport report = Trainer.forModel(model)
                .data(train, val)
                .contextLength(context)
                .batchSize(batch).steps(steps)
                .optimizer(AdamW.lr(3e-5).betas(0.9, 0.95).weightDecay(0.1))
                .schedule(LrSchedule.constant())
                .clipGradNorm(1.0)
                .evalEvery(steps)                                        // the whole validation split, once
                .listener(new LoggingListener(1))
                .checkpointDir(out.resolve("model"))
                .fit();
        tok.save(out.resolve("model"));

        System.out.printf("steps %d, median step %.2f s, validation loss %.4f%n", report.steps(),
                report.medianStepMillis() / 1000, report.finalValLoss());
        System.out.println(Generator.of(model).generate(tok, "ROMEO:", Sampling.random().topK(40).temperature(0.8).seed(7), 60));
    }
}
