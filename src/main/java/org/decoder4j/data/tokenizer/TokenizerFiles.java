package org.decoder4j.data.tokenizer;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files a tokenizer is saved as, by name, as bytes: what {@link Tokenizer#save} writes, for
 * writers that put them beside other files in one step (prepared token files).
 *
 * <pre>{@code
 * Map<String, byte[]> files = TokenizerFiles.of(CharTokenizer.fit("hello"));   // tokenizer.json
 * }</pre>
 */
public final class TokenizerFiles {

    private TokenizerFiles() {
    }

    /**
     * The files of {@code tok}: {@code tokenizer.json}, and for a trained BPE tokenizer also its
     * {@code vocab.json} and {@code merges.txt}.
     *
     * @param tok a char, GPT-2 or trained BPE tokenizer
     * @return the file contents by file name, in writing order
     * @throws IOException if a file cannot be serialised
     * @throws IllegalArgumentException for another kind of tokenizer
     */
    public static Map<String, byte[]> of(Tokenizer tok) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (tok instanceof CharTokenizer c) {
            files.put(Tokenizer.FILE_NAME, c.toJson());
        } else if (tok instanceof Gpt2Tokenizer g) {
            files.put(Tokenizer.FILE_NAME, g.toJson());
        } else if (tok instanceof BpeTokenizer b) {
            files.put(BpeTokenizer.VOCAB_FILE, b.vocabJson());
            files.put(BpeTokenizer.MERGES_FILE, b.mergesText());
            files.put(Tokenizer.FILE_NAME, b.toJson());
        } else {
            throw new IllegalArgumentException("cannot save a tokenizer of type " + tok.getClass().getName()
                    + " with prepared data");
        }
        return files;
    }
}
