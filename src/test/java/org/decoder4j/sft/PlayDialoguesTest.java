package org.decoder4j.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlayDialoguesTest {

    private static final String PLAY = "First Citizen:\nBefore we proceed any further, hear me speak.\n\n"
            + "All:\nSpeak, speak.\n\n"
            + "a stray stage line\n\n"
            + "First Citizen:\nYou are all resolved rather to die\nthan to famish?\n";

    @Test
    void eachSpeechRepliesToThePreviousOneAndRendersAsInThePlay() {
        List<Dialogue> pairs = PlayDialogues.replies(PLAY);
        assertEquals(2, pairs.size());
        assertEquals("First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n\n",
                ChatTemplate.speakerLines().text(pairs.get(0)));
        ChatMessage reply = pairs.get(1).messages().get(1);
        assertEquals(new ChatMessage(ChatRole.ASSISTANT, "You are all resolved rather to die\nthan to famish?",
                "First Citizen"), reply);
    }
}
