package org.decoder4j.sft;

import java.util.Locale;

/** Who speaks a turn of a dialogue. Only {@link #ASSISTANT} turns are trained on. */
public enum ChatRole {
    /** The instructions that set up the dialogue. */
    SYSTEM,
    /** The other side of the dialogue. */
    USER,
    /** The side the model learns to speak; only its turns carry a loss. */
    ASSISTANT;

    /**
     * The lower-case name used in chat files and templates ({@code "system"}, {@code "user"}, {@code "assistant"}).
     *
     * @return the label
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code label} in a chat file.
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
     * @param label {@code system}, {@code user} or {@code assistant}
     * @return the role
     */
    public static ChatRole parse(String label) {
        for (ChatRole r : values()) {
            if (r.label().equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role \"" + label + "\": expected system, user or assistant");
    }
}
