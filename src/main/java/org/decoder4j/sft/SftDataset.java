package org.decoder4j.sft;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Templated, tokenised dialogues ready for supervised fine-tuning, each at most
 * {@code contextLength + 1} tokens (T inputs and T targets).
 *
 * <p>Truncation keeps the beginning of a dialogue that is too long and cuts the rest; a dialogue
 * left with no trained token (its first assistant turn starts after the cut, or it has none) is
 * dropped, and the number dropped is logged.
 *
 * <pre>{@code
 * SftDataset train = SftDataset.read(Path.of("train.jsonl"), tokenizer, ChatTemplate.speakerLines(), 64);
 * BatchSampler batches = new SftBatches(train, 8, 1337);
 * }</pre>
 *
 * @param examples      the dialogues, in file order
 * @param contextLength T: the longest model input a row may need
 */
public record SftDataset(List<SftExample> examples, int contextLength) {

    private static final Logger LOG = LoggerFactory.getLogger(SftDataset.class);

    /**
     * Checks the examples against the context length and keeps an unmodifiable copy of them.
     *
     * @param examples      the dialogues, in file order
     * @param contextLength T: the longest model input a row may need
     * @throws IllegalArgumentException if there is no example, the context is below 1 or an example
     *     is too long
     */
    public SftDataset {
        examples = List.copyOf(examples);
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("no dialogue has an assistant token to train on");
        }
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be >= 1, got " + contextLength);
        }
        for (SftExample e : examples) {
            if (e.length() > contextLength + 1) {
                throw new IllegalArgumentException("an example of " + e.length() + " tokens does not fit context "
                        + contextLength + "; truncate it first");
            }
        }
    }

    /**
     * Reads a chat file and renders it; see {@link #of}.
     *
     * @param chatFile a JSON lines chat file
     * @param tokenizer the tokenizer to encode with
     * @param template the chat template
     * @param contextLength the model's context length
     * @return the dataset
     * @throws IOException if the file cannot be read or is malformed
     */
    public static SftDataset read(Path chatFile, Tokenizer tokenizer, ChatTemplate template, int contextLength)
            throws IOException {
        try {
            return of(ChatFile.read(chatFile), tokenizer, template, contextLength);
        } catch (IllegalArgumentException e) {
            throw new IOException(chatFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Renders dialogues with a template, truncates each to {@code contextLength + 1} tokens and
     * keeps those with at least one trained token.
     *
     * @param dialogues the dialogues
     * @param tokenizer the tokenizer to encode with
     * @param template the chat template
     * @param contextLength the model's context length
     * @return the dataset
     */
    public static SftDataset of(List<Dialogue> dialogues, Tokenizer tokenizer, ChatTemplate template,
                                int contextLength) {
        List<SftExample> kept = new ArrayList<>();
        int truncated = 0;
        for (int i = 0; i < dialogues.size(); i++) {
            SftExample e;
            try {
                e = template.render(dialogues.get(i), tokenizer);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("dialogue " + (i + 1) + ", " + ex.getMessage(), ex);
            }
            if (e.length() > contextLength + 1) {
                truncated++;
                e = e.truncate(contextLength + 1);
            }
            if (e.trainedCount() > 0) {
                kept.add(e);
            }
        }
        int dropped = dialogues.size() - kept.size();
        if (truncated > 0 || dropped > 0) {
            LOG.info("{} of {} dialogues truncated to {} tokens; {} dropped with no assistant token left", truncated,
                    dialogues.size(), contextLength + 1, dropped);
        }
        return new SftDataset(kept, contextLength);
    }

    /**
     * Number of examples.
     *
     * @return the example count
     */
    public int size() {
        return examples.size();
    }

    /**
     * Number of tokens that carry a loss, over all examples.
     *
     * @return the trained token count
     */
    public long trainedTokens() {
        return examples.stream().mapToLong(SftExample::trainedCount).sum();
    }
}
