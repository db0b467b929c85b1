package org.decoder4j.sft;

import java.util.List;

/**
 * A conversation: one line of a chat file, {@code {"messages":[{"role":…,"content":…},…]}}.
 *
 * <pre>{@code
 * Dialogue d = new Dialogue(List.of(
 *         ChatMessage.of(ChatRole.USER, "Who's there?"),
 *         ChatMessage.of(ChatRole.ASSISTANT, "Nay, answer me.")));
 * }</pre>
 *
 * @param messages the turns in order; at least one
 */
public record Dialogue(List<ChatMessage> messages) {

    /**
     * Keeps an unmodifiable copy of the messages.
     *
     * @param messages the turns in order; at least one
     * @throws IllegalArgumentException if there is no message
     */
    public Dialogue {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a dialogue needs at least one message");
        }
    }

    /**
     * Whether any turn is the assistant's, i.e. whether the dialogue has anything to train on.
     *
     * @return true if the assistant speaks
     */
    public boolean hasAssistantTurn() {
        return messages.stream().anyMatch(m -> m.role() == ChatRole.ASSISTANT);
    }
}
