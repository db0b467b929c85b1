package org.decoder4j.data.tokenizer;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.decoder4j.hub.HubRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokenizer of a Hub repository: its {@code vocab.json} + {@code merges.txt} pair, or, where
 * the repository has only the {@code tokenizers} library's {@code tokenizer.json}, that file.
 *
 * <pre>{@code
 * Tokenizer tok = PretrainedTokenizer.fetch(hub.repository(RepoRef.parse("openai-community/gpt2")));
 * }</pre>
 */
final class PretrainedTokenizer {

    private static final Logger LOG = LoggerFactory.getLogger(PretrainedTokenizer.class);
    static final String HF_TOKENIZER_FILE = "tokenizer.json";

    private PretrainedTokenizer() {
    }

    static Tokenizer fetch(HubRepository repo) throws IOException {
        Optional<Path> vocab = optional(repo, BpeTokenizer.VOCAB_FILE);
        if (vocab.isPresent()) {
            Path merges = repo.file(BpeTokenizer.MERGES_FILE);
            return BpeTokenizer.load(vocab.get(), merges);
        }
        Optional<Path> json = optional(repo, HF_TOKENIZER_FILE);
        if (json.isPresent()) {
            LOG.debug("{} has no {}; reading its {}", repo.ref(), BpeTokenizer.VOCAB_FILE, HF_TOKENIZER_FILE);
            return HuggingFaceTokenizerFile.read(json.get());
        }
        throw new NoSuchFileException(repo.ref().toString(), null, (repo.cacheOnly()
                ? "the cache (" + repo.cache().folder() + ") holds" : "the repository has")
                + " neither " + BpeTokenizer.VOCAB_FILE + " + " + BpeTokenizer.MERGES_FILE + " nor "
                + HF_TOKENIZER_FILE + (repo.cacheOnly() ? "; download them once with the Hub reachable" : ""));
    }

    /** The file if it exists; in cache-only mode a file missing from the cache counts as absent. */
    private static Optional<Path> optional(HubRepository repo, String file) throws IOException {
        try {
            return repo.fileIfExists(file);
        } catch (NoSuchFileException e) {
            if (repo.cacheOnly()) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
