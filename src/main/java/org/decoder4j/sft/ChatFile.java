package org.decoder4j.sft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.io.Utf8Lines;

/**
 * Chat files in JSON lines: one dialogue per line,
 * {@code {"messages":[{"role":"system"|"user"|"assistant","content":"…","name":"…"},…]}}
 * ({@code name} optional). Blank lines are skipped.
 *
 * <pre>{@code
 * List<Dialogue> dialogues = ChatFile.read(Path.of("train.jsonl"));
 * ChatFile.write(Path.of("copy.jsonl"), dialogues);
 * }</pre>
 */
public final class ChatFile {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ChatFile() {
    }

    /**
     * Reads every dialogue of a chat file.
     *
     * @throws IOException if a line is not exactly one such object (nothing may follow it) or not
     *                     UTF-8; the message names the file and line
     * @param file a JSON lines chat file
     * @return the dialogues, in order
     */
    public static List<Dialogue> read(Path file) throws IOException {
        List<String> lines = Utf8Lines.read(file);
        List<Dialogue> dialogues = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                dialogues.add(parse(line));
            } catch (JsonProcessingException e) {
                throw new IOException(file + " line " + (i + 1) + ": not valid JSON: " + e.getOriginalMessage()
                        + (e.getLocation() == null ? "" : " (at column " + e.getLocation().getColumnNr() + ")")
                        + "; a line holds exactly one dialogue object", e);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        if (dialogues.isEmpty()) {
            throw new IOException(file + ": no dialogues in the file");
        }
        return dialogues;
    }

    /**
     * Writes dialogues one per line, in the format {@link #read} reads.
     *
     * @param file the file to write, atomically
     * @param dialogues the dialogues
     * @throws IOException if the file cannot be written
     */
    public static void write(Path file, List<Dialogue> dialogues) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Dialogue d : dialogues) {
                ObjectNode root = JSON.createObjectNode();
                ArrayNode messages = root.putArray("messages");
                for (ChatMessage m : d.messages()) {
                    ObjectNode node = messages.addObject();
                    node.put("role", m.role().label());
                    if (m.name() != null) {
                        node.put("name", m.name());
                    }
                    node.put("content", m.content());
                }
                out.write(JSON.writeValueAsString(root));
                out.write('\n');
            }
        }
    }

    static Dialogue parse(String line) throws JsonProcessingException {
        JsonNode root = JSON.readTree(line);
        JsonNode messages = root == null ? null : root.get("messages");
        if (messages == null || !messages.isArray()) {
            throw new IllegalArgumentException("expected an object with a \"messages\" array");
        }
        List<ChatMessage> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            JsonNode role = m.get("role");
            JsonNode content = m.get("content");
            if (role == null || !role.isTextual() || content == null || !content.isTextual()) {
                throw new IllegalArgumentException("message " + i + " needs string fields \"role\" and \"content\"");
            }
            JsonNode name = m.get("name");
            turns.add(new ChatMessage(ChatRole.parse(role.asText()), content.asText(),
                    name == null || name.isNull() ? null : name.asText()));
        }
        if (turns.isEmpty()) {
            throw new IllegalArgumentException("the \"messages\" array is empty");
        }
        return new Dialogue(turns);
    }
}
