package org.decoder4j.generate;

/**
 * What one generation produced.
 *
 * <pre>{@code
 * Completion c = Generator.of(model, tokenizer).generate("ROMEO:", Sampling.greedy(),
 *         Stopping.after(200).orAt("\n\n"), text -> { });
 * String all = c.prompt() + c.text();
 * boolean cut = c.reason() == Completion.FinishReason.STOP_SEQUENCE;
 * }</pre>
 *
 * @param prompt the text that was continued
 * @param text   the generated text, without the prompt and without the stop sequence that ended it
 * @param tokens every generated token id, those of the stop sequence included
 * @param reason why generation ended
 */
public record Completion(String prompt, String text, int[] tokens, FinishReason reason) {

    /** Why generation ended. */
    public enum FinishReason {
        /** The maximum number of new tokens was reached. */
        MAX_NEW_TOKENS,
        /** The generated text reached a stop sequence. */
        STOP_SEQUENCE
    }
}
