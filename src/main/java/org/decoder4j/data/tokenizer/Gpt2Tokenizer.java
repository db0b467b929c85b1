package org.decoder4j.data.tokenizer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.decoder4j.io.AtomicWrite;

/**
 * GPT-2's byte-level BPE: 50,257 tokens, ids identical to OpenAI's tiktoken {@code gpt2} encoding
 * (and to Hugging Face's GPT-2 tokenizer), with the special token {@code <|endoftext|>} = 50256.
 * The encoding itself is JTokkit's {@code r50k_base}, whose ranks ship inside its jar, so nothing
 * is downloaded.
 *
 * <pre>{@code
 * Gpt2Tokenizer gpt2 = Gpt2Tokenizer.standard();
 * int[] ids = gpt2.encode("Hello world");         // [15496, 995]
 * gpt2.decode(ids);                               // "Hello world"
 * gpt2.encodeWithSpecialTokens("<|endoftext|>");  // [50256]
 * }</pre>
 *
 * <p>{@link #encode(String)} is tiktoken's {@code encode_ordinary}: {@code "<|endoftext|>"} in the
 * text is encoded as the characters it is made of. {@link #decode(int[])} turns bytes that are
 * not valid UTF-8 (a character cut at the end of a partial sequence) into U+FFFD, as tiktoken's
 * {@code decode} does with {@code errors="replace"}; {@link #decodeBytes(int[])} gives the raw bytes.
 *
 * <p>Saved as {@code {"type":"gpt2"}}. Instances are immutable and safe to share between threads.
 */
public final class Gpt2Tokenizer extends ByteLevelTokenizer {

    static final String TYPE = "gpt2";

    /** Number of GPT-2 tokens: 50,000 merges, 256 bytes and {@code <|endoftext|>}. */
    public static final int VOCAB_SIZE = 50_257;

    /** The id of {@code <|endoftext|>}. */
    public static final int END_OF_TEXT = 50_256;

    private static final class Holder {
        static final Gpt2Tokenizer INSTANCE = new Gpt2Tokenizer(
                Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.R50K_BASE));
    }

    private final Encoding encoding;

    private Gpt2Tokenizer(Encoding encoding) {
        super(Map.of(SpecialTokens.END_OF_TEXT, END_OF_TEXT));
        this.encoding = encoding;
    }

    /**
     * The GPT-2 tokenizer (built once, on first use, from the ranks in JTokkit's jar).
     *
     * @return the shared GPT-2 tokenizer
     */
    public static Gpt2Tokenizer standard() {
        return Holder.INSTANCE;
    }

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] tokens) {
        return new String(decodeBytes(tokens), StandardCharsets.UTF_8);
    }

    /**
     * The bytes of a sequence of token ids (a token may hold part of a character).
     *
     * @throws IllegalArgumentException for an id outside {@code [0, 50257)}, naming it and its index
     * @param tokens ids in {@code [0, 50257)}
     * @return the concatenated bytes of the tokens
     */
    public byte[] decodeBytes(int[] tokens) {
        IntArrayList list = new IntArrayList(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= VOCAB_SIZE) {
                throw new IllegalArgumentException("token " + tokens[i] + " at index " + i
                        + " is outside GPT-2's vocabulary of " + VOCAB_SIZE);
            }
            list.add(tokens[i]);
        }
        return encoding.decodeBytes(list);
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public void save(Path dir) throws IOException {
        AtomicWrite.write(dir.resolve(FILE_NAME), toJson());
    }

    byte[] toJson() throws IOException {
        ObjectNode root = TokenizerFile.JSON.createObjectNode();
        root.put("type", TYPE);
        return TokenizerFile.JSON.writeValueAsBytes(root);
    }

    @Override
    public String toString() {
        return "Gpt2Tokenizer[50257 tokens]";
    }
}
