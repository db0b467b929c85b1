package org.decoder4j.generate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.NoGrad;

/**
 * Autoregressive text generation from a {@link GPT}, token by token, under a {@link Sampling}
 * policy and a {@link Stopping} rule, with a key/value cache by default.
 *
 * <pre>{@code
 * Generator gen = Generator.of(model, tokenizer);
 * String text = gen.generate("ROMEO:", Sampling.random().temperature(0.8).topK(40), 300); // prompt + 300 tokens
 * Completion c = gen.generate("ROMEO:", Sampling.greedy(), Stopping.after(300).orAt("\n\n"),
 *         System.out::print);                                                     // streamed as it comes
 * int[] ids = Generator.of(model).generate(promptIds, Sampling.greedy(), 100, id -> { });
 * }</pre>
 *
 * <p>Text results: the methods returning a {@code String} return the prompt followed by the new
 * text; a {@link Completion} keeps them apart ({@link Completion#text()} is the new text only,
 * {@link Completion#fullText()} both). Randomness: an unseeded {@link Sampling} draws from fresh
 * randomness on every call, a seeded one gives the same text on every call.
 *
 * <p>This is the entry point for generation rather than a method on {@code GPT}: the model lives
 * in {@code nn}, below {@code generate}, and does not know about sampling policies.
 *
 * <p>When prompt and generated text outgrow the model's context, the model sees only the last
 * {@code contextLength} tokens, as nanoGPT crops them. Several prompts ({@link #generateAll}) are
 * generated one after another, each with its own cache, so each output is what the prompt gives
 * alone. A generator is not safe for use by several threads at once.
 *
 * <p>A model trained with a vocabulary padded beyond its tokenizer's (nanoGPT's
 * {@code vocab_size} rounded up, or {@code train --vocab-size}) has logits for ids the tokenizer
 * lacks: a generator that knows the tokenizer draws only among the tokenizer's ids.
 */
public final class Generator {

    /** Room for generated ids made at the start; more is added as it fills. */
    private static final int INITIAL_ROOM = 1024;
    /** The longest Java array of ids. */
    private static final int MAX_LENGTH = Integer.MAX_VALUE - 8;

    private final GPT model;
    private final Tokenizer tokenizer;
    private final boolean cached;

    private Generator(GPT model, Tokenizer tokenizer, boolean cached) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.cached = cached;
    }

    /**
     * A generator over token ids (the text methods then take the tokenizer as an argument).
     *
     * @param model the model to generate with
     * @return a generator without a tokenizer
     */
    public static Generator of(GPT model) {
        return new Generator(model, null, true);
    }

    /**
     * A generator over text encoded and decoded by {@code tokenizer}.
     *
     * @param model the model to generate with
     * @param tokenizer the model's tokenizer, with at most the model's vocabulary
     * @return a generator for text
     */
    public static Generator of(GPT model, Tokenizer tokenizer) {
        if (tokenizer.vocabSize() > model.config().vocabSize()) {
            throw new IllegalArgumentException("the tokenizer has " + tokenizer.vocabSize()
                    + " tokens but the model's vocabulary only " + model.config().vocabSize());
        }
        return new Generator(model, tokenizer, true);
    }

    /**
     * The same generator with the key/value cache on (the default) or off; off, every token is a
     * forward pass over the whole window, as nanoGPT's {@code generate}. Both give the same text.
     *
     * @param on whether to keep a key/value cache
     * @return a generator sharing this one's model and tokenizer
     */
    public Generator withCache(boolean on) {
        return new Generator(model, tokenizer, on);
    }

    /**
     * The prompt followed by {@code maxNewTokens} generated tokens, decoded: the full text, as
     * {@link Completion#fullText()}, not only the new text.
     *
     * @param tokenizer    encodes the prompt and decodes the result
     * @param prompt       the text to continue, not empty
     * @param sampling     how each token is chosen; unseeded, each call gives new text
     * @param maxNewTokens how many tokens to add, {@code >= 0}
     * @return prompt and continuation
     */
    public String generate(Tokenizer tokenizer, String prompt, Sampling sampling, int maxNewTokens) {
        int[] ids = run(tokenizer.encode(prompt), sampling, maxNewTokens, id -> true, allowedIds(tokenizer));
        return tokenizer.decode(ids);
    }

    /**
     * The prompt followed by {@code maxNewTokens} generated tokens, decoded by this generator's
     * tokenizer: the full text, as {@link Completion#fullText()}, not only the new text.
     *
     * @param prompt       the text to continue, not empty
     * @param sampling     how each token is chosen; unseeded, each call gives new text
     * @param maxNewTokens how many tokens to add, {@code >= 0}
     * @return prompt and continuation
     */
    public String generate(String prompt, Sampling sampling, int maxNewTokens) {
        return generate(tokenizer(), prompt, sampling, maxNewTokens);
    }

    /**
     * Continues {@code prompt} until {@code stopping} says so, passing each new piece of text to
     * {@code onText} as soon as it is certain (text that might begin a stop sequence waits).
     *
     * @param prompt the text to continue, not empty
     * @param sampling how each token is chosen; unseeded, each call gives new text
     * @param stopping the token limit and the stop sequences
     * @param onText receives the new text piece by piece, the prompt and the stop sequence never
     * @return the new text, its tokens and why generation ended
     */
    public Completion generate(String prompt, Sampling sampling, Stopping stopping, Consumer<String> onText) {
        Tokenizer tok = tokenizer();
        TextStream stream = new TextStream(tok, stopping, onText);
        run(encode(tok, prompt), sampling, stopping.maxNewTokens(), stream::accept, allowedIds(tok));
        stream.finish();
        Completion.FinishReason reason = stream.stopped()
                ? Completion.FinishReason.STOP_SEQUENCE : Completion.FinishReason.MAX_NEW_TOKENS;
        return new Completion(prompt, stream.text(), stream.tokens(), reason);
    }

    /**
     * Continues each prompt alone, in order; the same as calling {@link #generate} on each.
     *
     * @param prompts the texts to continue
     * @param sampling how each token is chosen
     * @param stopping the token limit and the stop sequences, for each prompt
     * @return one completion per prompt, in order
     */
    public List<Completion> generateAll(List<String> prompts, Sampling sampling, Stopping stopping) {
        List<Completion> out = new ArrayList<>();
        for (String prompt : prompts) {
            out.add(generate(prompt, sampling, stopping, text -> { }));
        }
        return out;
    }

    /**
     * Extends {@code prompt} by {@code maxNewTokens} tokens; {@code onToken} sees each new id as it
     * is chosen. With this generator's tokenizer, only the tokenizer's ids are drawn.
     *
     * @return prompt and generated ids
     * @param prompt the token ids to extend, not empty
     * @param sampling how each token is chosen; unseeded, each call gives new tokens
     * @param maxNewTokens how many tokens to add, {@code >= 0}
     * @param onToken receives each new id as it is chosen
     */
    public int[] generate(int[] prompt, Sampling sampling, int maxNewTokens, IntConsumer onToken) {
        return run(prompt, sampling, maxNewTokens, id -> {
            onToken.accept(id);
            return true;
        }, allowedIds(tokenizer));
    }

    /**
     * The loop: {@code onToken} sees each new id and returns whether to go on.
     *
     * @param allowed ids {@code [0, allowed)} may be drawn; the model's logits beyond are masked
     * @return prompt and generated ids
     */
    private int[] run(int[] prompt, Sampling sampling, int maxNewTokens, IntPredicate onToken, int allowed) {
        checkPrompt(prompt, allowed);
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        // Grown as tokens come, never sized by maxNewTokens: a generation that stops early (a stop
        // sequence) costs what it generated, whatever the bound.
        int[] sequence = Arrays.copyOf(prompt, prompt.length + Math.min(maxNewTokens, INITIAL_ROOM));
        int length = prompt.length;
        SplittableRandom random = sampling.newRandom();
        boolean wasTraining = model.isTraining();
        model.eval();
        try (NoGrad ignored = NoGrad.enter();
             NextTokenLogits logits = cached ? new CachedLogits(model) : new FullWindowLogits(model)) {
            for (int n = 0; n < maxNewTokens; n++) {
                double[] row = logits.next(sequence, length);
                requireNumbers(row, length);
                if (allowed < row.length) {
                    row = Arrays.copyOf(row, allowed);                       // padded ids are never drawn
                }
                int next = TokenChooser.choose(row, sampling, random, sequence, length);
                if (length == sequence.length) {
                    if (length == MAX_LENGTH) {
                        throw new IllegalStateException("the sequence reached " + MAX_LENGTH + " tokens, the "
                                + "longest a Java array holds; generate in parts");
                    }
                    sequence = Arrays.copyOf(sequence, (int) Math.min(MAX_LENGTH, 2L * length));
                }
                sequence[length++] = next;
                if (!onToken.test(next)) {
                    break;
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return Arrays.copyOf(sequence, length);
    }

    private void checkPrompt(int[] prompt, int vocab) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        for (int id : prompt) {
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("prompt token " + id + " is outside the vocabulary of " + vocab);
            }
        }
    }

    /** NaN logits would make every choice arbitrary (argmax picks id 0, a draw picks garbage). */
    private static void requireNumbers(double[] logits, int position) {
        for (double x : logits) {
            if (Double.isNaN(x)) {
                throw new IllegalStateException("the model's next-token logits after " + position + " tokens hold "
                        + "NaN, so there is nothing to sample from: its weights are not finite");
            }
        }
    }

    /** The ids that may be drawn: the tokenizer's when there is one, else every id of the model. */
    private int allowedIds(Tokenizer tok) {
        int vocab = model.config().vocabSize();
        return tok == null ? vocab : Math.min(vocab, tok.vocabSize());
    }

    private static int[] encode(Tokenizer tok, String prompt) {
        if (prompt.isEmpty()) {
            throw new IllegalArgumentException("the prompt is empty: give at least one character");
        }
        return tok.encode(prompt);
    }

    private Tokenizer tokenizer() {
        if (tokenizer == null) {
            throw new IllegalStateException("this generator has no tokenizer: create it with Generator.of(model, tokenizer)");
        }
        return tokenizer;
    }
}
