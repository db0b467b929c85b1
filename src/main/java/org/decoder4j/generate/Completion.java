package org.decoder4j.generate;

/**
 * What one generation produced.
 *
 * <pre>{@code
 * Completion c = Generator.of(model, tokenizer).generate("ROMEO:", Sampling.greedy(),
 *         Stopping.after(200).orAt("\n\n"), text -> { });
 * String continuation = c.text();       // the new text only
 * String all = c.fullText();             // prompt + new text, what generate(prompt, sampling, n) returns
 * boolean cut = c.reason() == Completion.FinishReason.STOP_SEQUENCE;
 * }</pre>
 *
 * <p>The prompt is kept apart: {@link #text()} is the new text only, {@link #fullText()} the
 * prompt followed by it. The methods of {@link Generator} that return a {@code String} return
 * the full text, like {@code fullText()}.
 *
 * @param prompt the text that was continued
 * @param text   the generated text, without the prompt and without the stop sequence that ended it
 * @param tokens every generated token id, those of the stop sequence included
 * @param reason why generation ended
 */
public record Completion(String prompt, String text, int[] tokens, FinishReason reason) {

    /**
     * The prompt followed by the generated text.
     *
     * @return {@code prompt() + text()}
     */
    public String fullText() {
        return prompt + text;
    }

    /** Why generation ended. */
    public enum FinishReason {
        /** The maximum number of new tokens was reached. */
        MAX_NEW_TOKENS,
        /** The generated text reached a stop sequence. */
        STOP_SEQUENCE
    }
}
