package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Data-parallel training in Spark's local mode against single-process training. */
class SparkDataParallelTest {

    private static final Logger LOG = LoggerFactory.getLogger(SparkDataParallelTest.class);

    @TempDir
    static Path dir;

    private static PreparedCorpus corpus;
    private static TokenDataset train;
    private static SparkDataParallel workers;

    @BeforeAll
    static void start() throws IOException {
        corpus = ShakespeareRecipe.prepare(dir.resolve("data"));
        train = TokenDataset.open(corpus.trainFile());
        workers = SparkDataParallel.local(2);
    }

    @AfterAll
    static void stop() {
        if (workers != null) {
            workers.close();
        }
    }

    @Test
    void twoWorkersWithBatchEightFollowOneProcessWithBatchEight() {
        List<Double> single = ShakespeareRecipe.singleProcess(train, corpus.vocabSize(), 8, 20);
        List<Double> parallel = new ArrayList<>();
        GPT model = ShakespeareRecipe.model(corpus.vocabSize());
        ShakespeareRecipe.trainer(model, train, 8, 20).distributed(workers)
                .listener(ShakespeareRecipe.lossesInto(parallel)).fit();
        double worst = ShakespeareRecipe.assertSameLosses(single, parallel);
        LOG.info("local[2], batch 8: largest relative loss difference from one process over 20 steps {}", worst);
        assertTrue(parallel.get(19) < parallel.get(0) - 0.3, "the loss falls: " + parallel);
        assertTrue(workers.timings().size() >= 20);
        StepTiming t = workers.timings().get(workers.timings().size() - 1);
        assertEquals(2, t.workers());
        assertEquals(model.parameterCount(), t.parameters());
        assertTrue(t.computeMillis() > 0 && t.totalMillis() >= t.computeMillis(), t.toString());
    }

    @Test
    void accumulatedMicroBatchesReadThroughAHadoopUriFollowOneProcess() {
        List<Double> single = new ArrayList<>();
        ShakespeareRecipe.trainer(ShakespeareRecipe.model(corpus.vocabSize()), train, 4, 4).gradientAccumulation(2)
                .listener(ShakespeareRecipe.lossesInto(single)).fit();
        List<Double> parallel = new ArrayList<>();
        String uri = corpus.trainFile().toAbsolutePath().toUri().toString();        // file:///…/train.bin
        assertTrue(TokenFileLocation.isUri(uri));
        ShakespeareRecipe.trainer(ShakespeareRecipe.model(corpus.vocabSize()), train, 4, 4).gradientAccumulation(2)
                .distributed(workers.readingFrom(uri)).listener(ShakespeareRecipe.lossesInto(parallel)).fit();
        ShakespeareRecipe.assertSameLosses(single, parallel);
    }

    @Test
    void batchNotDivisibleByWorkersIsRefused() {
        GPT model = ShakespeareRecipe.model(corpus.vocabSize());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShakespeareRecipe.trainer(model, train, 5, 1).distributed(workers).fit());
        assertEquals("batch size 5 is not divisible by 2 workers: each worker computes batchSize / workers windows "
                + "of every batch; use a multiple of 2", e.getMessage());
    }

    @Test
    void inMemoryTokensCannotBeSentToWorkers() {
        TokenDataset inMemory = TokenDataset.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        GPT model = GPT.builder().vocabSize(11).contextLength(4).layers(1).heads(1).embeddingSize(8).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ShakespeareRecipe.trainer(model, inMemory, 2, 1).distributed(workers).fit());
        assertTrue(e.getMessage().startsWith("the training tokens (in-memory tokens) are not a file"), e.getMessage());
    }
}
