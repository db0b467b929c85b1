package org.decoder4j.examples;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.corpus.CharCorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.data.batch.ShuffledWindows;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.Adam;
import org.decoder4j.optim.GradClip;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.optim.LrScheduler;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.optim.StepLR;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.Tensor;
import org.decoder4j.train.StepResult;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingListener;
import org.decoder4j.train.TrainingReport;

/**
 * The classic PyTorch training loop — epochs over a shuffled loader, Adam at 0.001, StepLR with
 * step 10 and gamma 0.1 stepped once per epoch, gradient clipping at 1.0 — written twice: with
 * the low-level parts, and with the fluent {@link Trainer}. Both see the same batches in the same
 * order, so they print the same losses.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.ClassicTrainingLoop [corpus.txt] [epochs] [characters]
 * </pre>
 *
 * The PyTorch loop it mirrors:
 *
 * <pre>
 * optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
 * scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.1)
 * for epoch in range(num_epochs):
 *     for inputs, targets in train_loader:
 *         optimizer.zero_grad()
 *         loss = criterion(model(inputs).view(-1, vocab), targets.view(-1))
 *         loss.backward()
 *         torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
 *         optimizer.step()
 *     scheduler.step()
 * </pre>
 */
public final class ClassicTrainingLoop {

    private static final int BATCH = 32;
    private static final int CONTEXT = 64;
    private static final long SEED = 1337;

    private ClassicTrainingLoop() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int characters = args.length > 2 ? Integer.parseInt(args[2]) : 200_000;
        String text = Files.readString(corpus, StandardCharsets.UTF_8);
        Path dir = Files.createTempDirectory("classic-loop");
        Path part = Files.writeString(dir.resolve("corpus.txt"), text.substring(0, Math.min(characters, text.length())));
        PreparedCorpus data = CharCorpusPreparation.prepare(part, dir.resolve("data"));
        Tokenizer tok = Tokenizer.load(data.directory());
        TokenDataset train = TokenDataset.open(data.trainFile());
        TokenDataset val = TokenDataset.open(data.valFile());

        System.out.println("low-level loop");
        List<Double> manual = lowLevel(newModel(tok), train, val, epochs);
        System.out.println("fluent Trainer");
        List<Double> fluent = fluent(newModel(tok), train, val, epochs);
        System.out.println("same losses: " + manual.equals(fluent));
    }

    private static GPT newModel(Tokenizer tok) {
        return GPT.builder().vocabSize(tok.vocabSize()).contextLength(CONTEXT)
                .layers(2).heads(4).embeddingSize(64).seed(SEED).build();
    }

    /** The loop written out; returns the loss of every step. */
    static List<Double> lowLevel(GPT model, TokenDataset train, TokenDataset val, int epochs) {
        Optimizer optimizer = Adam.lr(0.001).create(model.parameters());
        LrScheduler scheduler = new StepLR(optimizer, 10, 0.1);
        ShuffledWindows loader = new ShuffledWindows(train, BATCH, CONTEXT, SEED, false);
        List<Double> losses = new ArrayList<>();
        for (int epoch = 0; epoch < epochs; epoch++) {
            model.train(true);
            double sum = 0;
            int batches = 0;
            for (Batch batch : loader.epoch(epoch)) {
                try (MemoryScope step = MemoryScope.open(); batch) {   // frees the step's arrays
                    optimizer.zeroGrad();
                    Tensor loss = Loss.crossEntropy(model.forward(batch.inputs()), batch.targets());
                    loss.backward();
                    GradClip.clipGradNorm(model.parameters(), 1.0, 2, false);
                    optimizer.step();
                    losses.add(loss.item());
                    sum += loss.item();
                    batches++;
                }
            }
            scheduler.step();
            EvalResult v = Evaluator.of(model).contextLength(CONTEXT).evaluate(val);
            System.out.printf("epoch %d: train loss %.4f, val loss %.4f, perplexity %.2f, next lr %.0e%n", epoch + 1,
                    sum / batches, v.loss(), v.perplexity(), scheduler.getLastLr().get(0));
        }
        return losses;
    }

    /** The same loop through the fluent trainer; returns the loss of every step. */
    static List<Double> fluent(GPT model, TokenDataset train, TokenDataset val, int epochs) {
        List<Double> losses = new ArrayList<>();
        TrainingReport report = Trainer.forModel(model)
                .data(train, val)
                .batchSize(BATCH).contextLength(CONTEXT).seed(SEED)
                .epochs(epochs)
                .optimizer(Adam.lr(0.001))
                .schedulePerEpoch(LrSchedule.stepLR(10, 0.1))
                .clipGradNorm(1.0)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        losses.add(s.loss());
                    }
                })
                .fit();
        System.out.printf("%d steps: last train loss %.4f, val loss %.4f%n", report.steps(), report.finalTrainLoss(),
                report.finalValLoss());
        return losses;
    }
}
