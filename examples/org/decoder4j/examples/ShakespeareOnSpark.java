package org.decoder4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.CharCorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.distributed.SparkDataParallel;
import org.decoder4j.distributed.StepTiming;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingReport;

/**
 * The Shakespeare character recipe trained data-parallel on Apache Spark: each step, every worker
 * computes the gradients of its share of the batch of 12 with its own copy of the model, and the
 * driver applies one optimizer step with their sum. The losses are those of one process with
 * batch 12.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.ShakespeareOnSpark [corpus.txt] [steps] [out-dir] [master] [workers]
 * </pre>
 *
 * The master defaults to {@code local[2]} (two workers in this JVM, no cluster needed); on a
 * standalone cluster pass {@code spark://HOST:7077} and the number of workers, with the data in a
 * directory every executor sees. The JVM needs Spark's {@code --add-opens} flags
 * (docs/distributed-training.md).
 */
public final class ShakespeareOnSpark {

    private ShakespeareOnSpark() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path out = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("shakespeare-spark");
        String master = args.length > 3 ? args[3] : "local[2]";
        int workers = args.length > 4 ? Integer.parseInt(args[4]) : 2;

        PreparedCorpus data = CharCorpusPreparation.prepare(corpus, out.resolve("data"));
        Tokenizer tok = Tokenizer.load(data.directory());
        TokenDataset train = TokenDataset.open(data.trainFile());
        TokenDataset val = TokenDataset.open(data.valFile());

        GPT model = GPT.builder()
                .vocabSize(tok.vocabSize()).contextLength(64)
                .layers(4).heads(4).embeddingSize(128)
                .dropout(0.0).seed(1337)
                .build();

        try (SparkDataParallel spark = SparkDataParallel.connect(master, workers)) {
            TrainingReport report = Trainer.forModel(model)
                    .data(train, val)
                    .batchSize(12).steps(steps)                  // the global batch: 12 / workers windows each
                    .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                    .schedule(LrSchedule.warmupCosine(Math.min(100, steps), steps, 1e-4))
                    .clipGradNorm(1.0)
                    .evalEvery(250)
                    .listener(new LoggingListener(Math.max(1, steps / 20)))
                    .checkpointDir(out.resolve("model")).checkpointEvery(Math.max(1, steps / 4))
                    .distributed(spark)
                    .fit();
            tok.save(out.resolve("model"));

            StepTiming last = spark.timings().get(spark.timings().size() - 1);
            System.out.printf("steps %d on %s with %d workers, median step %.1f ms (last: compute %.1f, exchange %.1f, "
                    + "overhead %.1f ms), validation loss %.4f%n", report.steps(), master, workers,
                    report.medianStepMillis(), last.computeMillis(), last.exchangeMillis(), last.overheadMillis(),
                    report.finalValLoss());
        }
        System.out.println(Generator.of(model).generate(tok, "ROMEO:", Sampling.random().topK(40).temperature(0.8).seed(7), 300));
    }
}
