package org.decoder4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.data.corpus.PreparedCorpus;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.io.AtomicMove;
import org.decoder4j.io.DirectoryTree;
import org.decoder4j.nn.GPTConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens of a {@code train} run: training and validation tokens (validation may be null),
 * the tokenizer if known, and, without --data, the corpus prepared in a temporary directory.
 *
 * @param train     the training tokens
 * @param val       the validation tokens, or null
 * @param tokenizer the tokenizer, or null
 * @param staged    the corpus prepared in a temporary directory, or null
 */
record TrainingData(TokenDataset train, TokenDataset val, Tokenizer tokenizer, PreparedCorpus staged) {

    private static final Logger LOG = LoggerFactory.getLogger(TrainCommand.class);

    /** The vocabulary a new model gets when --vocab-size is not given. */
    int defaultVocab() {
        if (tokenizer != null) {
            return tokenizer.vocabSize();
        }
        int vocab = 1 + Math.max(train.maxToken(), val == null ? 0 : val.maxToken());
        LOG.info("no tokenizer: vocabulary {} (the largest token id + 1)", vocab);
        return vocab;
    }

    /** Every id within the vocabulary, and at least one window of {@code t} inputs plus a target in each file. */
    void checkFits(GPTConfig config, int t) {
        checkFits(train, config, t);
        if (val != null) {
            checkFits(val, config, t);
        }
    }

    private static void checkFits(TokenDataset tokens, GPTConfig config, int t) {
        tokens.checkVocabulary(config.vocabSize());
        if (tokens.size() < t + 1L) {
            throw new IllegalArgumentException(tokens.source() + " has " + tokens.size() + " tokens, fewer than "
                    + "one window of --context " + t + " inputs plus its target (" + (t + 1) + ")");
        }
    }

    /** Moves the staged train.bin, val.bin and tokenizer.json into OUT/data and opens them there. */
    TrainingData moveStagedInto(Path out) throws IOException {
        if (staged == null) {
            return this;
        }
        Path target = out.resolve("data");
        Files.createDirectories(target);
        PreparedCorpus moved = new PreparedCorpus(target, staged.vocabSize(), staged.characters(),
                staged.trainTokens(), staged.valTokens());
        AtomicMove.replace(staged.trainFile(), moved.trainFile());
        AtomicMove.replace(staged.valFile(), moved.valFile());
        AtomicMove.replace(staged.tokenizerFile(), moved.tokenizerFile());
        LOG.info("training data in {}", target);
        return new TrainingData(TokenDataset.open(moved.trainFile()), TokenDataset.open(moved.valFile()), tokenizer,
                staged);
    }

    /** Deletes the temporary directory of a staged corpus; a failure is only logged. */
    void deleteStaged() {
        if (staged == null) {
            return;
        }
        try {
            DirectoryTree.delete(staged.directory());
        } catch (UncheckedIOException e) {
            LOG.warn("could not delete the temporary directory {}: {}", staged.directory(), e.getCause().toString());
        }
    }
}
