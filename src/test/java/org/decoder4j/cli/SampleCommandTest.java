package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.nn.GPT;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampling flags of {@code sample} on a small random model with a 16-token context. */
class SampleCommandTest {

    @TempDir
    static Path dir;

    static Path model;
    static CharTokenizer tokenizer;
    static GPT gpt;

    @BeforeAll
    static void saveModel() throws Exception {
        tokenizer = CharTokenizer.fit("abcdefghijklmnopqrstuvwxyz ,.");
        gpt = GPT.builder().vocabSize(tokenizer.vocabSize()).contextLength(16).layers(2).heads(2).embeddingSize(16)
                .seed(4).build();
        model = dir.resolve("model");
        gpt.save(model);
        tokenizer.save(model);
    }

    private static String sample(Object... flags) {
        Object[] args = new Object[flags.length + 3];
        args[0] = "sample";
        args[1] = "--model";
        args[2] = model;
        System.arraycopy(flags, 0, args, 3, flags.length);
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exit(), r::toString);
        assertEquals("", r.err(), r::toString);
        return r.out().substring(0, r.out().length() - System.lineSeparator().length());
    }

    @Test
    void everySamplingFlagReachesTheGeneratorAndTheCacheChangesNothing() {
        Object[] flags = {"--prompt", "the ", "--max-new-tokens", 40, "--temperature", 1.2, "--top-k", 12,
            "--top-p", 0.9, "--repetition-penalty", 1.3, "--seed", 21};
        String printed = sample(flags);
        Sampling same = new Sampling(1.2, 12, 0.9, 1.3, 21);
        assertEquals(Generator.of(gpt, tokenizer).generate("the ", same, 40), printed);
        Object[] noCache = java.util.Arrays.copyOf(flags, flags.length + 1);
        noCache[flags.length] = "--no-cache";
        assertEquals(printed, sample(noCache));
    }

    @Test
    void stopSequencesEndTheSampleBeforeThem() {
        String free = sample("--prompt", "ab", "--max-new-tokens", 50, "--temperature", 0);
        String stop = free.substring(20, 22);
        String stopped = sample("--prompt", "ab", "--max-new-tokens", 50, "--temperature", 0,
                "--stop", "zzzz", "--stop", stop);
        assertEquals(free.substring(0, free.indexOf(stop, 2)), stopped);
        assertFalse(stopped.substring(2).contains(stop));
    }

    @Test
    void numSamplesPrintsEachWithItsOwnSeedBetweenSeparatorLines() {
        String two = sample("--prompt", "a", "--max-new-tokens", 10, "--seed", 3, "--num-samples", 2);
        String first = sample("--prompt", "a", "--max-new-tokens", 10, "--seed", 3);
        String second = sample("--prompt", "a", "--max-new-tokens", 10, "--seed", 4);
        String nl = System.lineSeparator();
        assertEquals(first + nl + nl + "---" + nl + second, two);
        assertEquals(11, first.length(), first);
        assertTrue(!first.equals(second), "seeds 3 and 4 gave the same text");
    }
}
