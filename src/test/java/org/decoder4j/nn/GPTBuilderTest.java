package org.decoder4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** What {@link GPT.Builder} requires and what it fills in. */
class GPTBuilderTest {

    @Test
    void theVocabularySizeIsRequired() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> GPT.builder().build());
        assertEquals("the vocabulary size is not set: call vocabSize(n) with the tokenizer's size, e.g. "
                + "GPT.builder().vocabSize(tokenizer.vocabSize())", e.getMessage());
    }

    @Test
    void anExplicitZeroIsAnOutOfRangeSizeNotAMissingOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GPT.builder().vocabSize(0).build());
        assertEquals(true, e.getMessage().contains("vocabSize"), e.getMessage());
    }

    @Test
    void everythingElseDefaultsToTheShakespeareRecipe() {
        GPTConfig c = GPT.builder().vocabSize(70).build().config();
        assertEquals(new GPTConfig(70, 64, 4, 4, 128, 0.0, 1e-5, Activation.GELU_TANH), c);
    }
}
