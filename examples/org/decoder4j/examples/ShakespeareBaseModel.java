package org.decoder4j.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.CharCorpusPreparation;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.Trainer;

/**
 * The pretrained character model the fine-tuning examples start from: loaded from a model
 * directory when one exists there, otherwise trained briefly on Tiny Shakespeare (nanoGPT's CPU
 * recipe at the given size) and saved there.
 */
final class ShakespeareBaseModel {

    /** The model and the tokenizer it was trained with. */
    record Pretrained(GPT model, Tokenizer tokenizer) {
    }

    private ShakespeareBaseModel() {
    }

    /** The SFT example's model: 4 layers, 4 heads, 128 channels, context 128. */
    static Pretrained loadOrTrain(Path corpus, Path modelDir, int steps) throws IOException {
        return loadOrTrain(corpus, modelDir, steps, 4, 4, 128, 128);
    }

    static Pretrained loadOrTrain(Path corpus, Path modelDir, int steps, int layers, int heads, int embd, int context)
            throws IOException {
        if (Files.isRegularFile(modelDir.resolve("model.safetensors"))) {
            return new Pretrained(GPT.load(modelDir), Tokenizer.load(modelDir));
        }
        PreparedCorpus data = CharCorpusPreparation.prepare(corpus, modelDir.resolveSibling("base-data"));
        Tokenizer tok = Tokenizer.load(data.directory());
        GPT model = GPT.builder().vocabSize(tok.vocabSize()).contextLength(context)
                .layers(layers).heads(heads).embeddingSize(embd).dropout(0.0).seed(1337).build();
        Trainer.forModel(model)
                .data(TokenDataset.open(data.trainFile()))
                .batchSize(12).contextLength(context).steps(steps)
                .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                .schedule(LrSchedule.warmupCosine(Math.min(100, steps), steps, 1e-4))
                .clipGradNorm(1.0)
                .listener(new LoggingListener(Math.max(1, steps / 10)))
                .checkpointDir(modelDir)
                .tokenizer(tok)
                .fit();
        return new Pretrained(model, tok);
    }
}
