package org.decoder4j.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.corpus.CharCorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.StepResult;
import org.decoder4j.train.Trainer;
import org.decoder4j.testdata.GeneratedPlay;
import org.decoder4j.train.TrainingListener;

/** nanoGPT's Shakespeare character recipe, on generated play text, that the distributed tests compare single-process and data-parallel runs with. */
final class ShakespeareRecipe {

    /** Characters of generated play text the recipe trains on: the comparisons need text, not Shakespeare's. */
    static final int CORPUS_CHARS = 300_000;
    /** The acceptance tolerance: data-parallel losses equal single-process ones to this relative difference. */
    static final double TOLERANCE = 1e-5;

    private ShakespeareRecipe() {
    }

    /**
     * nanoGPT's character preparation of generated play text ({@link GeneratedPlay}) into
     * {@code dir}: train.bin, val.bin, tokenizer.json.
     */
    static PreparedCorpus prepare(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path text = GeneratedPlay.write(dir.resolve("play.txt"), CORPUS_CHARS, 1337);
        return CharCorpusPreparation.prepare(text, dir);
    }

    /** 4 layers, 4 heads, 128 channels, context 64, no dropout, seed 1337. */
    static GPT model(int vocab) {
        return GPT.builder().vocabSize(vocab).contextLength(64).layers(4).heads(4).embeddingSize(128)
                .dropout(0.0).seed(1337).build();
    }

    /** The recipe's trainer: AdamW 1e-3 (0.9, 0.99), weight decay 0.1, warmup 100 then cosine to 1e-4, clip 1.0. */
    static Trainer trainer(GPT model, TokenDataset train, int batchSize, long steps) {
        return Trainer.forModel(model).data(train).batchSize(batchSize).steps(steps).seed(1337)
                .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                .schedule(LrSchedule.warmupCosine(100, 2000, 1e-4))
                .clipGradNorm(1.0);
    }

    /** A listener that appends each step's loss to {@code into}. */
    static TrainingListener lossesInto(List<Double> into) {
        return new TrainingListener() {
            @Override
            public void onStep(StepResult s) {
                into.add(s.loss());
            }
        };
    }

    /** The losses of {@code steps} single-process steps at batch {@code batchSize}. */
    static List<Double> singleProcess(TokenDataset train, int vocab, int batchSize, long steps) {
        List<Double> losses = new ArrayList<>();
        trainer(model(vocab), train, batchSize, steps).listener(lossesInto(losses)).fit();
        return losses;
    }

    /** Asserts equal lengths and every loss within {@link #TOLERANCE}; returns the largest relative difference. */
    static double assertSameLosses(List<Double> expected, List<Double> actual) {
        assertEquals(expected.size(), actual.size(), "steps");
        double worst = 0;
        for (int i = 0; i < expected.size(); i++) {
            double rel = Math.abs(actual.get(i) - expected.get(i)) / Math.abs(expected.get(i));
            worst = Math.max(worst, rel);
            assertEquals(expected.get(i), actual.get(i), TOLERANCE * Math.abs(expected.get(i)), "loss of step " + i);
        }
        return worst;
    }
}
