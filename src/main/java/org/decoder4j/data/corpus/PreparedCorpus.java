package org.decoder4j.data.corpus;

import java.nio.file.Path;
import org.decoder4j.data.tokenizer.Tokenizer;

/**
 * What {@link CorpusPreparation} wrote: the directory with {@code train.bin}, {@code val.bin}
 * and {@code tokenizer.json}, and the counts.
 *
 * <pre>{@code
 * PreparedCorpus c = CharCorpusPreparation.prepare(input, Path.of("data"));
 * TokenDataset train = TokenDataset.open(c.trainFile());
 * }</pre>
 *
 * @param directory where the files are
 * @param vocabSize tokens in the vocabulary (65 characters for Tiny Shakespeare, 50257 for GPT-2)
 * @param characters characters (code points) in the input
 * @param trainTokens tokens in {@code train.bin}
 * @param valTokens tokens in {@code val.bin}
 */
public record PreparedCorpus(Path directory, int vocabSize, long characters, long trainTokens, long valTokens) {

    /**
     * {@code train.bin} in {@link #directory()}.
     *
     * @return the training token file
     */
    public Path trainFile() {
        return directory.resolve(CorpusPreparation.TRAIN_FILE);
    }

    /**
     * {@code val.bin} in {@link #directory()}.
     *
     * @return the validation token file
     */
    public Path valFile() {
        return directory.resolve(CorpusPreparation.VAL_FILE);
    }

    /**
     * {@code tokenizer.json} in {@link #directory()}.
     *
     * @return the tokenizer file
     */
    public Path tokenizerFile() {
        return directory.resolve(Tokenizer.FILE_NAME);
    }
}
