package org.decoder4j.eval;

import org.decoder4j.data.Batch;
import org.decoder4j.data.ConsecutiveWindows;
import org.decoder4j.data.TokenDataset;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores a model on every consecutive non-overlapping window of a token file: window i has inputs
 * {@code tokens[i·T, i·T+T)} and targets shifted by one; a remainder shorter than T+1 is dropped.
 * Runs under {@link NoGrad} in evaluation mode and restores the model's mode afterwards.
 *
 * <pre>{@code
 * EvalResult r = Evaluator.of(model).contextLength(64).batchSize(32).evaluate(val);
 * System.out.printf("loss %.4f, perplexity %.2f%n", r.loss(), r.perplexity());
 * }</pre>
 */
public final class Evaluator {

    private final GPT model;
    private int contextLength;
    private int batchSize = 32;

    private Evaluator(GPT model) {
        this.model = model;
        this.contextLength = model.config().contextLength();
    }

    /** An evaluator with the model's full context and batches of 32 windows. */
    public static Evaluator of(GPT model) {
        return new Evaluator(model);
    }

    /** Window length T; at most the model's context length. */
    public Evaluator contextLength(int t) {
        if (t <= 0 || t > model.config().contextLength()) {
            throw new IllegalArgumentException("context " + t + " must be in [1, " + model.config().contextLength()
                    + "] (the model's n_positions)");
        }
        this.contextLength = t;
        return this;
    }

    /** Windows per forward pass. */
    public Evaluator batchSize(int b) {
        if (b <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + b);
        }
        this.batchSize = b;
        return this;
    }

    /** Loss, perplexity, top-1 accuracy and token count over the whole dataset. */
    public EvalResult evaluate(TokenDataset data) {
        data.checkVocabulary(model.config().vocabSize());
        ConsecutiveWindows windows = new ConsecutiveWindows(data, batchSize, contextLength);
        boolean wasTraining = model.isTraining();
        model.eval();
        double lossSum = 0;
        long correct = 0;
        long tokens = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (Batch batch : windows) {
                try (MemoryScope scope = MemoryScope.open(); batch) {
                    long n = batch.targets().length();
                    Tensor logits = model.forward(batch.inputs());                  // (B, T, V)
                    lossSum += Loss.crossEntropy(logits, batch.targets()).item() * n;
                    INDArray predicted = logits.value().argMax(2);  // (B, T)
                    INDArray hits = predicted.castTo(DataType.INT64).eq(batch.targets());
                    correct += hits.castTo(DataType.INT64).sumNumber().longValue();
                    tokens += n;
                }
            }
        } finally {
            model.train(wasTraining);
        }
        if (tokens == 0) {
            throw new IllegalArgumentException(data.source() + " has " + data.size()
                    + " tokens, fewer than one window of context " + contextLength + " + 1");
        }
        double loss = lossSum / tokens;
        return new EvalResult(loss, Math.exp(loss), (double) correct / tokens, tokens);
    }
}
