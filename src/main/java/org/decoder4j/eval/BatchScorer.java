package org.decoder4j.eval;

import java.util.Arrays;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs the model on one batch and reduces its output to a {@link ScoredBatch}: the summed
 * negative log-likelihood of the scored targets and each one's rank (entries other than the target
 * with a log-probability at least the target's, so ties never count in its favour; a row with a
 * NaN is {@link ScoredBatch#UNRANKED}). Only the rows of scored
 * positions go through the softmax, so a window that scores few of its positions (a sliding
 * window with a small stride) costs little beyond its forward pass. The rows go through the softmax
 * and the ranking a few hundred at a time, so that the temporaries stay small beside the logits
 * (32 windows of 256 GPT-2 tokens are 412 M logits, and each full-size temporary 1.6 GB). The
 * caller owns the no-grad and memory scopes; everything returned is on the Java heap.
 */
final class BatchScorer {

    /** Logits per chunk of rows: 64 MB of float32 temporaries at a time. */
    static final long CHUNK_ELEMENTS = 1L << 24;

    private final GPT model;
    private final long chunkElements;

    BatchScorer(GPT model) {
        this(model, CHUNK_ELEMENTS);
    }

    /** A scorer whose chunks hold about {@code chunkElements} logits (at least one row). */
    BatchScorer(GPT model, long chunkElements) {
        this.model = model;
        this.chunkElements = chunkElements;
    }

    /**
     * @throws IllegalArgumentException if a target is neither {@link Loss#IGNORE_INDEX} nor a
     *                                  vocabulary id
     */
    ScoredBatch score(Batch batch) {
        long vocab = model.config().vocabSize();
        long[] targets = batch.targets().reshape(batch.targets().length()).toLongVector();
        int scored = 0;
        for (int i = 0; i < targets.length; i++) {
            long id = targets[i];
            if (id == Loss.IGNORE_INDEX) {
                continue;
            }
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("target " + id + " at row " + i / batch.contextLength()
                        + ", position " + i % batch.contextLength() + " is neither a vocabulary id [0, " + vocab
                        + ") nor the ignore index " + Loss.IGNORE_INDEX);
            }
            scored++;
        }
        if (scored == 0) {
            return new ScoredBatch(0, 0, new int[0]);
        }
        int[] rows = new int[scored];                                        // scored positions
        for (int i = 0, r = 0; i < targets.length; i++) {
            if (targets[i] != Loss.IGNORE_INDEX) {
                rows[r++] = i;
            }
        }

        Tensor logits = model.forward(batch.inputs());                                     // (B, T, V)
        INDArray flat = logits.value().reshape(targets.length, vocab);                     // (B·T, V)
        int chunkRows = (int) Math.max(1, Math.min(scored, chunkElements / vocab));
        int[] ranks = new int[scored];
        double[] targetLogp = new double[scored];
        for (int from = 0; from < scored; from += chunkRows) {
            int[] chunk = Arrays.copyOfRange(rows, from, Math.min(scored, from + chunkRows));
            rankChunk(flat, chunk, targets, vocab, from, ranks, targetLogp);
        }
        double nll = 0;
        for (double logp : targetLogp) {
            nll -= logp;
        }
        return new ScoredBatch(nll, scored, ranks);
    }

    /**
     * The targets' log-probabilities and ranks for the given rows of the logits, written to
     * {@code targetLogp} and {@code ranks} from index {@code offset}. The chunk's arrays live in a
     * scratch block released when it is done: in the caller's scope every allocation would stay until
     * the batch is done, and the chunks would add up to the whole batch again.
     */
    private static void rankChunk(INDArray flat, int[] rows, long[] targets, long vocab, int offset, int[] ranks,
                                  double[] targetLogp) {
        int n = rows.length;
        long[] picks = new long[n];                                          // row·V + target in the chunk
        for (int r = 0; r < n; r++) {
            picks[r] = r * vocab + targets[rows[r]];
        }
        MemoryScope.scratch(() -> {
            INDArray kept = Nd4j.pullRows(flat, 1, rows);                                  // (n, V)
            INDArray logp = Nd4j.exec(new LogSoftMax(kept, 1))[0];                         // (n, V)
            INDArray target = Nd4j.exec(DynamicCustomOp.builder("gather")
                    .addInputs(logp.reshape((long) n * vocab), Nd4j.createFromArray(picks))
                    .addIntegerArguments(0)
                    .build())[0];                                                          // (n)
            // Ties count against the target: its rank is the number of other entries at least as
            // likely. Comparisons with NaN are false (and -inf − -inf is NaN), so a NaN or
            // zero-probability target is caught by hand below.
            INDArray atLeast = logp.subColumnVector(target.reshape(n, 1)).gte(0.0);        // (n, V)
            int[] counts = atLeast.castTo(DataType.INT32).sum(1).toIntVector();            // (n), target included
            int[] nans = logp.isNaN().castTo(DataType.INT32).sum(1).toIntVector();         // (n)
            double[] logps = target.toDoubleVector();
            for (int r = 0; r < n; r++) {
                boolean unranked = Double.isNaN(logps[r]) || logps[r] == Double.NEGATIVE_INFINITY || nans[r] > 0;
                ranks[offset + r] = unranked ? ScoredBatch.UNRANKED : counts[r] - 1;  // probability 0 is never a hit
                targetLogp[offset + r] = logps[r];
            }
            return null;
        });
    }
}
