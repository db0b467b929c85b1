package org.decoder4j.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.NoGrad;
import org.junit.jupiter.api.Test;

/**
 * Generation on a small random float32 model with a 16-token context, so that 40 new tokens run
 * well past it: the cached logits equal the full forward's on the cropped window to 1e-5 at every
 * step, the cache changes no token, seeds repeat, streams and stop sequences cut where they should.
 */
class GeneratorTest {

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz ,.\n";

    private final CharTokenizer tokenizer = CharTokenizer.fit(LETTERS);
    private final GPT model = GPT.builder()
            .vocabSize(tokenizer.vocabSize()).contextLength(16).layers(2).heads(2).embeddingSize(16).seed(3).build();

    @Test
    void cachedLogitsEqualAFullForwardOnTheCroppedWindowAtEveryStep() {
        model.eval();
        int[] sequence = new int[45];
        int length = 5;
        for (int i = 0; i < length; i++) {
            sequence[i] = i + 1;
        }
        double worst = 0;
        try (NoGrad ignored = NoGrad.enter();
             CachedLogits cached = new CachedLogits(model);
             FullWindowLogits full = new FullWindowLogits(model)) {
            for (; length < sequence.length; length++) {
                double[] a = cached.next(sequence, length);
                double[] b = full.next(sequence, length);
                for (int i = 0; i < a.length; i++) {
                    worst = Math.max(worst, Math.abs(a[i] - b[i]));
                }
                sequence[length] = TokenChooser.argmax(b);
            }
        }
        assertTrue(worst <= 1e-5, "cached and full logits differ by " + worst);
    }

    @Test
    void greedyTextIsTheSameWithAndWithoutTheCachePastTheContext() {
        int[] prompt = tokenizer.encode("to be or not");
        int[] withCache = Generator.of(model).generate(prompt, Sampling.greedy(), 40, id -> { });
        int[] without = Generator.of(model).withCache(false).generate(prompt, Sampling.greedy(), 40, id -> { });
        assertEquals(prompt.length + 40, withCache.length);
        assertArrayEquals(without, withCache);
        assertArrayEquals(prompt, Arrays.copyOf(withCache, prompt.length));
        int[] longPrompt = tokenizer.encode("a prompt longer than the context");   // 32 tokens, context 16
        assertArrayEquals(Generator.of(model).withCache(false).generate(longPrompt, Sampling.greedy(), 10, id -> { }),
                Generator.of(model).generate(longPrompt, Sampling.greedy(), 10, id -> { }));
    }

    @Test
    void aSeedGivesTheSameSampleEveryTimeAndAnotherSeedAnother() {
        Generator gen = Generator.of(model, tokenizer);
        Sampling s = Sampling.random().topK(20).temperature(1.5).topP(0.95).repetitionPenalty(1.3).seed(7);
        String first = gen.generate("the ", s, 60);
        assertEquals(first, gen.generate("the ", s, 60));
        assertEquals(first, gen.withCache(false).generate("the ", s, 60));
        assertNotEquals(first, gen.generate("the ", s.seed(8), 60));
        assertTrue(first.startsWith("the ") && first.length() == 64, first);
    }

    @Test
    void withoutASeedEachCallDrawsFreshText() {
        Generator gen = Generator.of(model, tokenizer);
        Sampling unseeded = Sampling.random().temperature(1.5);
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            texts.add(gen.generate("the ", unseeded, 60));
        }
        // 60 draws over 30 tokens at temperature 1.5: four equal texts by chance are out of the question
        assertEquals(4, texts.size(), texts.toString());
        assertTrue(unseeded.seed().isEmpty());
        assertEquals(gen.generate("the ", unseeded.seed(3), 60), gen.generate("the ", unseeded.seed(3), 60));
        assertTrue(unseeded.seed(3).unseeded().seed().isEmpty());
    }

    @Test
    void theStringResultIsTheCompletionsFullText() {
        Generator gen = Generator.of(model, tokenizer);
        Sampling s = Sampling.random().seed(11);
        Completion c = gen.generate("abc", s, Stopping.after(20), t -> { });
        assertEquals("abc", c.prompt());
        assertEquals("abc" + c.text(), c.fullText());
        assertEquals(c.fullText(), gen.generate("abc", s, 20));
        assertEquals(c.fullText(), gen.generate(tokenizer, "abc", s, 20));
    }

    @Test
    void theStreamDeliversTheTextPieceByPiece() {
        Generator gen = Generator.of(model, tokenizer);
        List<String> pieces = new ArrayList<>();
        Completion c = gen.generate("abc", Sampling.random().seed(1), Stopping.after(25), pieces::add);
        assertEquals(25, pieces.size());
        assertEquals(c.text(), String.join("", pieces));
        assertEquals(25, c.tokens().length);
        assertEquals(Completion.FinishReason.MAX_NEW_TOKENS, c.reason());
        assertEquals("abc" + c.text(), gen.generate("abc", Sampling.random().seed(1), 25));
    }

    @Test
    void aStopSequenceEndsTheTextJustBeforeItAndIsNeverStreamed() {
        Generator gen = Generator.of(model, tokenizer);
        Sampling s = Sampling.random().seed(5);
        String free = gen.generate("abc", s, Stopping.after(60), t -> { }).text();
        String stop = free.substring(30, 33);                                   // three characters from the middle
        int expectedEnd = free.indexOf(stop);
        List<String> pieces = new ArrayList<>();
        Completion c = gen.generate("abc", s, Stopping.after(60).orAt("never there", stop), pieces::add);
        assertEquals(free.substring(0, expectedEnd), c.text());
        assertEquals(c.text(), String.join("", pieces));
        assertEquals(Completion.FinishReason.STOP_SEQUENCE, c.reason());
        assertEquals(expectedEnd + stop.length(), c.tokens().length, "one character per token, stop included");
        assertFalse(String.join("", pieces).contains(stop));
    }

    @Test
    void textThatMightStartAStopSequenceIsHeldBackUntilItCannot() {
        List<String> pieces = new ArrayList<>();
        TextStream stream = new TextStream(tokenizer, Stopping.after(10).orAt("ab."), pieces::add);
        for (char ch : "xab".toCharArray()) {
            assertTrue(stream.accept(tokenizer.encode(String.valueOf(ch))[0]));
        }
        assertEquals(List.of("x"), pieces);                                     // "ab" may begin "ab."
        assertTrue(stream.accept(tokenizer.encode("c")[0]));
        assertEquals(List.of("x", "abc"), pieces);
        assertTrue(stream.accept(tokenizer.encode("a")[0]));
        stream.finish();
        assertEquals(List.of("x", "abc", "a"), pieces);
    }

    @Test
    void promptsOfDifferentLengthsEachGiveWhatTheyGiveAlone() {
        Generator gen = Generator.of(model, tokenizer);
        List<String> prompts = List.of("a", "the quick brown fox jumps", "hello, world");
        Stopping stop = Stopping.after(20);
        List<Completion> all = gen.generateAll(prompts, Sampling.greedy(), stop);
        assertEquals(3, all.size());
        for (int i = 0; i < prompts.size(); i++) {
            Completion alone = gen.generate(prompts.get(i), Sampling.greedy(), stop, t -> { });
            assertEquals(prompts.get(i), all.get(i).prompt());
            assertEquals(alone.text(), all.get(i).text());
            assertEquals(20, all.get(i).text().length());
        }
    }

    @Test
    void generationLeavesTheModeAsItFoundIt() {
        model.train(true);
        Generator.of(model).generate(new int[] {1}, Sampling.greedy(), 3, id -> { });
        assertTrue(model.isTraining());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        Generator gen = Generator.of(model);
        assertEquals("the prompt is empty: give at least one token", assertThrows(IllegalArgumentException.class,
                () -> gen.generate(new int[0], Sampling.greedy(), 3, id -> { })).getMessage());
        assertEquals("prompt token 99 is outside the vocabulary of 30", assertThrows(IllegalArgumentException.class,
                () -> gen.generate(new int[] {1, 99}, Sampling.greedy(), 3, id -> { })).getMessage());
        assertEquals("maxNewTokens must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> gen.generate(new int[] {1}, Sampling.greedy(), -1, id -> { })).getMessage());
        IllegalStateException noTokenizer = assertThrows(IllegalStateException.class,
                () -> gen.generate("abc", Sampling.greedy(), 3));
        assertTrue(noTokenizer.getMessage().contains("Generator.of(model, tokenizer)"), noTokenizer.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Generator.of(model, CharTokenizer.fit(LETTERS + "XYZ")));
    }
}
