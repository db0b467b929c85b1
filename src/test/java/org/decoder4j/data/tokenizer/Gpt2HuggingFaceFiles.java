package org.decoder4j.data.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes GPT-2's Hugging Face {@code vocab.json} + {@code merges.txt} derived from tiktoken's
 * {@code r50k_base} ranks (which JTokkit's jar carries), so that tests can load the real GPT-2
 * vocabulary through {@link BpeTokenizer#load(Path)} without downloading it. A token's rank is its
 * GPT-2 id, and the merge that makes the token of rank r is the pair that byte-level BPE with only
 * the ranks below r leaves of its bytes; merges are listed in the order of the ranks they make.
 */
final class Gpt2HuggingFaceFiles {

    private Gpt2HuggingFaceFiles() {
    }

    static void write(Path dir) throws IOException {
        List<byte[]> tokens = new ArrayList<>();
        Map<String, Integer> rankOf = new HashMap<>();
        try (InputStream in = Gpt2HuggingFaceFiles.class.getResourceAsStream("/com/knuddels/jtokkit/r50k_base.tiktoken");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] parts = line.split(" ");
                byte[] bytes = Base64.getDecoder().decode(parts[0]);
                int rank = Integer.parseInt(parts[1]);
                if (rank != tokens.size()) {
                    throw new IllegalStateException("ranks are not consecutive at " + rank);
                }
                tokens.add(bytes);
                rankOf.put(new String(bytes, StandardCharsets.ISO_8859_1), rank);
            }
        }
        ObjectNode vocab = new ObjectMapper().createObjectNode();
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(ByteLevelAlphabet.encode(tokens.get(id)), id);
        }
        vocab.put("<|endoftext|>", tokens.size());
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (int rank = 256; rank < tokens.size(); rank++) {
            List<String> parts = split(tokens.get(rank), rank, rankOf);
            if (parts.size() != 2) {
                throw new IllegalStateException("token " + rank + " does not come from one merge: " + parts);
            }
            merges.append(alphabet(parts.get(0))).append(' ').append(alphabet(parts.get(1))).append('\n');
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve(BpeTokenizer.VOCAB_FILE), new ObjectMapper().writeValueAsBytes(vocab));
        Files.writeString(dir.resolve(BpeTokenizer.MERGES_FILE), merges);
    }

    /** tiktoken's byte pair merge of {@code bytes} using only the ranks below {@code maxRank}. */
    private static List<String> split(byte[] bytes, int maxRank, Map<String, Integer> rankOf) {
        List<String> parts = new ArrayList<>();
        for (byte b : bytes) {
            parts.add(new String(new byte[] {b}, StandardCharsets.ISO_8859_1));
        }
        while (true) {
            int best = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < parts.size(); i++) {
                Integer r = rankOf.get(parts.get(i) + parts.get(i + 1));
                if (r != null && r < maxRank && r < best) {
                    best = r;
                    at = i;
                }
            }
            if (at < 0) {
                return parts;
            }
            parts.set(at, parts.get(at) + parts.remove(at + 1));
        }
    }

    private static String alphabet(String latin1) {
        return ByteLevelAlphabet.encode(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
