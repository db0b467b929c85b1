package org.decoder4j.data.tokenizer;

import java.util.Map;

/**
 * What the byte-level tokenizers ({@link Gpt2Tokenizer}, {@link BpeTokenizer}) share: a set of
 * special tokens, recognised by {@link #encodeWithSpecialTokens(String)} and listed by
 * {@link #specialTokens()}; each subclass encodes the text between them its own way.
 */
abstract class ByteLevelTokenizer implements Tokenizer {

    private final SpecialTokens special;

    ByteLevelTokenizer(Map<String, Integer> specials) {
        this.special = new SpecialTokens(specials);
    }

    /** The special tokens, for subclasses that write or decode them. */
    final SpecialTokens special() {
        return special;
    }

    @Override
    public final int[] encodeWithSpecialTokens(String text) {
        return special.encode(text, this::encode);
    }

    @Override
    public final Map<String, Integer> specialTokens() {
        return special.asMap();
    }
}
