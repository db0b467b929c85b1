package org.decoder4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.HuggingFaceGpt2;
import org.decoder4j.tensor.NoGrad;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scorer ranks a batch's rows a chunk at a time, so that a GPT-2 vocabulary at evaluation batch
 * 32 does not need several 1.6 GB temporaries at once. Chunks of any size must give exactly what one
 * chunk gives.
 */
class ChunkedScoringTest {

    private static final Path MODEL = Path.of("src/test/resources/fixtures/eval/model");   // vocabulary 37, context 16

    @Test
    void chunksOfAnySizeGiveWhatOneChunkGives() throws IOException {
        GPT model = HuggingFaceGpt2.load(MODEL, DataType.FLOAT);
        model.eval();
        TokenDataset data = TokenDataset.open(Path.of("src/test/resources/fixtures/eval/tokens.bin"));
        Batch batch = Batch.ofWindows(data, new long[] {0, 5, 40}, 16);                   // 48 targets
        long[] targets = batch.targets().reshape(48).toLongVector();
        for (int i : new int[] {0, 7, 8, 30, 47}) {
            targets[i] = Loss.IGNORE_INDEX;                                                 // 43 scored
        }
        batch.targets().assign(Nd4j.createFromArray(targets).reshape(3, 16));

        ScoredBatch whole;
        try (NoGrad ignored = NoGrad.enter()) {
            whole = new BatchScorer(model, Long.MAX_VALUE).score(batch);
            assertEquals(43, whole.tokens());
            assertTrue(whole.negativeLogLikelihood() > 0, "a loss to compare");
            for (long chunkElements : new long[] {1, 37, 5 * 37, 5 * 37 + 20, BatchScorer.CHUNK_ELEMENTS}) {
                ScoredBatch chunked = new BatchScorer(model, chunkElements).score(batch);
                assertEquals(whole.negativeLogLikelihood(), chunked.negativeLogLikelihood(), 0.0,
                        chunkElements + " logits per chunk");
                assertArrayEquals(whole.targetRanks(), chunked.targetRanks(), chunkElements + " logits per chunk");
            }
        }
    }
}
