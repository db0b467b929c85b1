package org.decoder4j.data.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code tokenizer.json} of Hugging Face's {@code tokenizers} library when it holds a
 * byte-level BPE (GPT-2's kind): {@code model.vocab} (token → id), {@code model.merges} (either
 * {@code "a b"} strings or {@code ["a", "b"]} pairs, as newer versions write) and the
 * {@code added_tokens}. Other models (WordPiece, Unigram) and pre-tokenizers other than
 * {@code ByteLevel} are refused by name, since decoding them as GPT-2 would give wrong ids.
 *
 * <pre>{@code
 * BpeTokenizer tok = HuggingFaceTokenizerFile.read(Path.of("snapshot/tokenizer.json"));
 * }</pre>
 */
final class HuggingFaceTokenizerFile {

    private HuggingFaceTokenizerFile() {
    }

    static BpeTokenizer read(Path file) throws IOException {
        JsonNode root;
        try {
            root = TokenizerFile.JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode model = root == null ? null : root.get("model");
        if (model == null || !model.isObject()) {
            throw new IOException(file + ": not a Hugging Face tokenizers file (no \"model\" object)");
        }
        String type = model.path("type").asText("");
        if (!type.equals("BPE")) {
            throw new IOException(file + ": the tokenizer model is \"" + type + "\"; only a byte-level BPE "
                    + "(GPT-2's) is supported");
        }
        if (!usesByteLevel(root.get("pre_tokenizer"))) {
            throw new IOException(file + ": the pre-tokenizer is " + root.get("pre_tokenizer")
                    + "; only GPT-2's ByteLevel pre-tokenizer is supported");
        }
        JsonNode vocabNode = model.get("vocab");
        if (vocabNode == null || !vocabNode.isObject() || vocabNode.isEmpty()) {
            throw new IOException(file + ": model.vocab must be a non-empty object of token → id");
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocabNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), id(e.getValue(), "model.vocab[\"" + e.getKey() + "\"]", file));
        }
        for (JsonNode added : root.path("added_tokens")) {
            String content = added.path("content").asText(null);
            if (content != null) {
                vocab.putIfAbsent(content, id(added.get("id"), "added_tokens id of \"" + content + "\"", file));
            }
        }
        List<int[]> merges = new ArrayList<>();
        int index = 0;
        for (JsonNode merge : model.path("merges")) {
            String left;
            String right;
            if (merge.isTextual()) {
                String[] parts = merge.textValue().split(" ", -1);
                if (parts.length != 2) {
                    throw new IOException(file + ": model.merges[" + index + "] is \"" + merge.textValue()
                            + "\", not two tokens separated by one space");
                }
                left = parts[0];
                right = parts[1];
            } else if (merge.isArray() && merge.size() == 2 && merge.get(0).isTextual() && merge.get(1).isTextual()) {
                left = merge.get(0).textValue();
                right = merge.get(1).textValue();
            } else {
                throw new IOException(file + ": model.merges[" + index + "] is " + merge + ", not a pair of tokens");
            }
            Integer l = vocab.get(left);
            Integer r = vocab.get(right);
            if (l == null || r == null) {
                throw new IOException(file + ": model.merges[" + index + "] names \"" + (l == null ? left : right)
                        + "\", which is not in model.vocab");
            }
            merges.add(new int[] {l, r});
            index++;
        }
        return BpeTokenizer.fromVocabulary(vocab, merges, file.toString());
    }

    private static boolean usesByteLevel(JsonNode pre) {
        if (pre == null || pre.isNull()) {
            return false;
        }
        if (pre.path("type").asText("").equals("ByteLevel")) {
            return true;
        }
        if (pre.path("type").asText("").equals("Sequence")) {
            for (JsonNode p : pre.path("pretokenizers")) {
                if (p.path("type").asText("").equals("ByteLevel") && p.path("use_regex").asBoolean(true)) {
                    return pre.path("pretokenizers").size() == 1;
                }
            }
        }
        return false;
    }

    private static int id(JsonNode v, String what, Path file) throws IOException {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
            throw new IOException(file + ": " + what + " must be an integer >= 0, found " + v);
        }
        return v.intValue();
    }
}
