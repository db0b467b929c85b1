package org.decoder4j.rl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.io.Utf8Lines;
import java.util.Objects;

/**
 * One preference: for {@code prompt}, the completion {@code chosen} is preferred to {@code rejected}.
 * Files hold one JSON object per line, {@code {"prompt":"…","chosen":"…","rejected":"…"}}.
 *
 * <pre>{@code
 * List<PreferencePair> pairs = PreferencePair.read(Path.of("pairs.jsonl"));
 * }</pre>
 *
 * @param prompt   the text both completions continue
 * @param chosen   the preferred completion
 * @param rejected the other completion
 */
public record PreferencePair(String prompt, String chosen, String rejected) {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Checks that all three texts are there.
     *
     * @param prompt   the text both completions continue
     * @param chosen   the preferred completion
     * @param rejected the other completion
     */
    public PreferencePair {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chosen, "chosen");
        Objects.requireNonNull(rejected, "rejected");
    }

    /**
     * Reads a preference file; blank lines are skipped.
     *
     * @throws IOException for a line that is not such an object, naming the file and line
     * @param file a JSON lines file of preferences
     * @return the pairs, in order
     */
    public static List<PreferencePair> read(Path file) throws IOException {
        List<String> lines = Utf8Lines.read(file);
        List<PreferencePair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines.get(i));
            } catch (IOException e) {
                throw new IOException(file + " line " + (i + 1) + ": not valid JSON (a line holds exactly one "
                        + "object): " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            String[] fields = {"prompt", "chosen", "rejected"};
            for (String f : fields) {
                if (node == null || node.get(f) == null || !node.get(f).isTextual() || node.get(f).asText().isEmpty()) {
                    throw new IOException(file + " line " + (i + 1) + ": needs a non-empty string field \"" + f + "\"");
                }
            }
            pairs.add(new PreferencePair(node.get("prompt").asText(), node.get("chosen").asText(),
                    node.get("rejected").asText()));
        }
        if (pairs.isEmpty()) {
            throw new IOException(file + ": no preference pairs in the file");
        }
        return pairs;
    }
}
