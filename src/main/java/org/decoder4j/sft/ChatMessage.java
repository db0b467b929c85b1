package org.decoder4j.sft;

import java.util.Objects;

/**
 * One turn of a dialogue.
 *
 * <pre>{@code
 * ChatMessage m = new ChatMessage(ChatRole.USER, "Who's there?", "BERNARDO");
 * ChatMessage plain = ChatMessage.of(ChatRole.ASSISTANT, "Nay, answer me.");
 * }</pre>
 *
 * @param role    who speaks
 * @param content the text of the turn
 * @param name    an optional speaker name (null when absent), shown by templates that use {@code {name}}
 */
public record ChatMessage(ChatRole role, String content, String name) {

    /**
     * Checks that role and content are there.
     *
     * @param role    who speaks
     * @param content the text of the turn
     * @param name    an optional speaker name (null when absent), shown by templates that use {@code {name}}
     */
    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    /**
     * A turn without a speaker name.
     *
     * @param role who speaks
     * @param content what is said
     * @return the message
     */
    public static ChatMessage of(ChatRole role, String content) {
        return new ChatMessage(role, content, null);
    }
}
