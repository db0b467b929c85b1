package org.decoder4j.sft;

import java.util.ArrayList;
import java.util.List;

/**
 * Dialogues made from a play laid out as Tiny Shakespeare is: speeches separated by blank lines,
 * each {@code "NAME:\n"} followed by its lines. Each speech becomes the assistant's reply to the
 * speech before it (the user's turn), with the speakers' names as the messages' names, so
 * {@link ChatTemplate#speakerLines()} renders a pair exactly as it stands in the play.
 *
 * <pre>{@code
 * List<Dialogue> pairs = PlayDialogues.replies(Files.readString(Path.of("input.txt")));
 * // [user FIRST CITIZEN "Before we proceed...", assistant ALL "Speak, speak."], ...
 * }</pre>
 */
public final class PlayDialogues {

    private PlayDialogues() {
    }

    /** A speech of the play. */
    public record Speech(String speaker, String text) {
    }

    /**
     * The speeches of a play, in order: blocks separated by a blank line whose first line is a
     * speaker name ending in a colon. Blocks of any other form are skipped.
     *
     * @param play the text of a play
     * @return its speeches
     */
    public static List<Speech> speeches(String play) {
        List<Speech> speeches = new ArrayList<>();
        for (String block : play.replace("\r\n", "\n").split("\n\n")) {
            int colon = block.indexOf(":\n");
            int newline = block.indexOf('\n');
            if (colon <= 0 || colon != newline - 1 || colon + 2 >= block.length()) {
                continue;
            }
            String speaker = block.substring(0, colon);
            String text = block.substring(colon + 2).strip();
            if (!speaker.isBlank() && speaker.equals(speaker.strip()) && !text.isEmpty()) {
                speeches.add(new Speech(speaker, text));
            }
        }
        return speeches;
    }

    /**
     * Every speech as a reply to the one before it.
     *
     * @param play the text of a play
     * @return one dialogue per speech after the first
     */
    public static List<Dialogue> replies(String play) {
        return replies(speeches(play));
    }

    /**
     * Every speech of the list as a reply to the one before it: {@code speeches.size() - 1} dialogues.
     *
     * @param speeches speeches in order
     * @return one dialogue per speech after the first
     */
    public static List<Dialogue> replies(List<Speech> speeches) {
        List<Dialogue> dialogues = new ArrayList<>();
        for (int i = 1; i < speeches.size(); i++) {
            Speech asked = speeches.get(i - 1);
            Speech reply = speeches.get(i);
            dialogues.add(new Dialogue(List.of(
                    new ChatMessage(ChatRole.USER, asked.text(), asked.speaker()),
                    new ChatMessage(ChatRole.ASSISTANT, reply.text(), reply.speaker()))));
        }
        return dialogues;
    }
}
