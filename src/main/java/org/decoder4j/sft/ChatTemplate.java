package org.decoder4j.sft;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.decoder4j.data.tokenizer.Tokenizer;

/**
 * How a dialogue becomes text: each turn is {@code turnStart + content + turnEnd}, where
 * {@code {role}} in either pattern is replaced by the role ({@code system}, {@code user},
 * {@code assistant}) and {@code {name}} by the message's speaker name (the role in upper case
 * when it has none). Only the assistant's content and its {@code turnEnd} are trained on; the
 * turn headers, system and user turns are context.
 *
 * <pre>{@code
 * ChatTemplate chat = ChatTemplate.defaults();                  // "<|user|>\nHello\n<|assistant|>\n..."
 * ChatTemplate play = ChatTemplate.of("{name}:\n", "\n\n");     // "ROMEO:\nSpeech\n\n", Shakespeare's own layout
 * SftExample e = play.render(dialogue, tokenizer);
 * int[] prompt = play.prompt(dialogue, tokenizer);             // ends with the assistant's header
 * }</pre>
 *
 * <p>Each piece is encoded on its own and the ids joined, so the mask falls exactly on turn
 * boundaries; for a character tokenizer this equals encoding the whole text. The markers must be
 * encodable by the tokenizer: the default's {@code <} and {@code |} are not among Tiny
 * Shakespeare's 65 characters, so use {@link #speakerLines()} there.
 *
 * @param turnStart pattern written before each turn's content
 * @param turnEnd   pattern written after each turn's content
 */
public record ChatTemplate(String turnStart, String turnEnd) {

    /**
     * Checks that both parts are there.
     *
     * @param turnStart pattern written before each turn's content
     * @param turnEnd   pattern written after each turn's content
     */
    public ChatTemplate {
        Objects.requireNonNull(turnStart, "turnStart");
        Objects.requireNonNull(turnEnd, "turnEnd");
    }

    /**
     * The default: {@code "<|role|>\n" + content + "\n"}.
     *
     * @return the default template
     */
    public static ChatTemplate defaults() {
        return new ChatTemplate("<|{role}|>\n", "\n");
    }

    /**
     * Speaker lines as in a play: {@code "NAME:\n" + content + "\n\n"}; only letters, colon and newlines.
     *
     * @return the play template
     */
    public static ChatTemplate speakerLines() {
        return new ChatTemplate("{name}:\n", "\n\n");
    }

    /**
     * A user-supplied template; see the class comment for the placeholders.
     *
     * @param turnStart the text before each turn
     * @param turnEnd the text after each turn
     * @return the template
     */
    public static ChatTemplate of(String turnStart, String turnEnd) {
        return new ChatTemplate(turnStart, turnEnd);
    }

    /**
     * The text of a dialogue (what {@link #render} encodes).
     *
     * @param dialogue the dialogue
     * @return its text under this template
     */
    public String text(Dialogue dialogue) {
        StringBuilder s = new StringBuilder();
        for (ChatMessage m : dialogue.messages()) {
            s.append(fill(turnStart, m)).append(m.content()).append(fill(turnEnd, m));
        }
        return s.toString();
    }

    /**
     * The tokens of a dialogue and the loss mask: true on the assistant's content and turn end.
     *
     * @throws IllegalArgumentException if the tokenizer cannot encode a piece; the message names the turn
     * @param dialogue the dialogue
     * @param tokenizer the tokenizer to encode with
     * @return the tokens and their loss mask
     */
    public SftExample render(Dialogue dialogue, Tokenizer tokenizer) {
        IdBuffer ids = new IdBuffer();
        int turn = 0;
        for (ChatMessage m : dialogue.messages()) {
            boolean assistant = m.role() == ChatRole.ASSISTANT;
            ids.add(encode(tokenizer, fill(turnStart, m), turn, "header"), false);
            ids.add(encode(tokenizer, m.content(), turn, "content"), assistant);
            ids.add(encode(tokenizer, fill(turnEnd, m), turn, "end"), assistant);
            turn++;
        }
        return ids.toExample();
    }

    /**
     * The tokens that ask for the next assistant turn: the dialogue followed by the assistant's
     * header ({@code assistantName} fills {@code {name}}; null for the role's default).
     *
     * @param dialogue the dialogue so far
     * @param tokenizer the tokenizer to encode with
     * @param assistantName the speaker name of the reply, or null
     * @return the prompt's tokens
     */
    public int[] prompt(Dialogue dialogue, Tokenizer tokenizer, String assistantName) {
        IdBuffer ids = new IdBuffer();
        ids.add(encode(tokenizer, text(dialogue), 0, "dialogue"), false);
        ChatMessage next = new ChatMessage(ChatRole.ASSISTANT, "", assistantName);
        ids.add(encode(tokenizer, fill(turnStart, next), dialogue.messages().size(), "header"), false);
        return ids.toExample().tokens();
    }

    private static int[] encode(Tokenizer tokenizer, String text, int turn, String part) {
        try {
            return tokenizer.encode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("turn " + turn + " " + part + ": " + e.getMessage()
                    + " (choose template markers the tokenizer can encode)", e);
        }
    }

    private static String fill(String pattern, ChatMessage m) {
        String name = m.name() != null ? m.name() : m.role().label().toUpperCase(Locale.ROOT);
        return pattern.replace("{role}", m.role().label()).replace("{name}", name);
    }

    /** Growing token ids with their flags. */
    private static final class IdBuffer {
        private int[] ids = new int[64];
        private boolean[] trained = new boolean[64];
        private int size;

        void add(int[] piece, boolean train) {
            while (size + piece.length > ids.length) {
                ids = Arrays.copyOf(ids, ids.length * 2);
                trained = Arrays.copyOf(trained, trained.length * 2);
            }
            for (int id : piece) {
                ids[size] = id;
                trained[size] = train;
                size++;
            }
        }

        SftExample toExample() {
            return new SftExample(Arrays.copyOf(ids, size), Arrays.copyOf(trained, size));
        }
    }
}
