package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.generate.Stopping;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A model whose vocabulary is padded beyond its tokenizer's (100 ids for 6 characters) samples
 * only the tokenizer's ids, even when the padding ids have the largest logits.
 */
class PaddedVocabularySampleTest {

    @TempDir
    static Path dir;

    static CharTokenizer tokenizer;
    static GPT gpt;
    static Path model;

    @BeforeAll
    static void paddedModel() throws Exception {
        tokenizer = CharTokenizer.fit("abcde ");
        gpt = GPT.builder().vocabSize(100).contextLength(16).layers(1).heads(2).embeddingSize(8).seed(4).build();
        // the tied head makes padding rows with a large embedding the most likely next tokens
        gpt.tokenEmbedding().weight().value().get(NDArrayIndex.interval(6, 100), NDArrayIndex.all()).assign(5.0);
        model = dir.resolve("model");
        gpt.save(model);
        tokenizer.save(model);
    }

    @Test
    void generationDrawsOnlyTheTokenizersIds() {
        Generator generator = Generator.of(gpt, tokenizer);
        for (Sampling s : new Sampling[] {Sampling.greedy(), Sampling.random().topK(50).temperature(2.0).seed(3)}) {
            int[] ids = generator.generate(tokenizer.encode("ab"), s, 40, id -> { });
            for (int id : ids) {
                assertTrue(id < tokenizer.vocabSize(), "id " + id + " is not the tokenizer's");
            }
            String text = generator.generate("ab", s, Stopping.after(40), t -> { }).text();
            assertEquals(40, tokenizer.encode(text).length);
        }
    }

    @Test
    void nanLogitsAreAnErrorNotText() throws Exception {
        GPT broken = GPT.builder().vocabSize(6).contextLength(16).layers(1).heads(2).embeddingSize(8).seed(4).build();
        broken.blocks().get(0).namedParameters().get("mlp.fc.bias").value().putScalar(0, Double.NaN);
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Generator.of(broken, tokenizer).generate("ab", Sampling.greedy(), 5));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("after 2 tokens"), e.getMessage());
        Path dirOfBroken = dir.resolve("broken");
        broken.save(dirOfBroken);
        tokenizer.save(dirOfBroken);
        Cli.Result r = Cli.run("sample", "--model", dirOfBroken, "--prompt", "ab", "--max-new-tokens", 5);
        assertEquals(1, r.exit(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("NaN"), r::toString);
    }

    @Test
    void sampleCommandPrintsText() {
        Cli.Result r = Cli.run("sample", "--model", model, "--prompt", "ab", "--max-new-tokens", 30, "--seed", 1);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().strip().matches("[abcde ]+"), r.out());
    }
}
