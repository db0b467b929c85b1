package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void oneLinePerStageEndingFull() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text));
        bar.update("reading", 0, 4_000_000);
        bar.update("reading", 4_000_000, 4_000_000);
        bar.update("encoding", 1_000_000, 4_000_000);
        bar.finishLine();
        List<String> lines = List.of(text.toString().split(System.lineSeparator()));
        assertEquals(2, lines.size(), text.toString());
        // Each line is redrawn in place: the last drawing after the last carriage return is what shows.
        String reading = lines.get(0).substring(lines.get(0).lastIndexOf('\r') + 1);
        String encoding = lines.get(1).substring(lines.get(1).lastIndexOf('\r') + 1);
        assertTrue(reading.startsWith("reading             [##############################] 100%       4.0/4.0 MB"),
                reading);
        assertTrue(encoding.startsWith("encoding            [########----------------------]  25%       1.0/4.0 MB"),
                encoding);
    }
}
