package org.decoder4j.sft;

import java.util.Locale;

/** Who speaks a turn of a dialogue. Only {@link #ASSISTANT} turns are trained on. */
public enum ChatRole {
    SYSTEM,
    USER,
    ASSISTANT;

    /** The lower-case name used in chat files and templates ({@code "system"}, {@code "user"}, {@code "assistant"}). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The role named {@code label} in a chat file.
     *
     * @throws IllegalArgumentException for any other name, listing the valid ones
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
