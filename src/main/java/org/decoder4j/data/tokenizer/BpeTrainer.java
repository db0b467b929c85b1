package org.decoder4j.data.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns a byte-level BPE from a corpus: the text is cut into pieces by GPT-2's regular expression
 * ({@link Gpt2PreTokenizer}), each piece starts as its UTF-8 bytes (ids 0..255 are the bytes in
 * order), and the most frequent adjacent pair of tokens over all pieces is merged into a new token
 * until the vocabulary has the size asked for; the last id is {@code <|endoftext|>}. Of pairs
 * equally frequent, the one with the smaller left id (then right id) is merged first, so training
 * is deterministic.
 *
 * <pre>{@code
 * BpeTokenizer tok = BpeTrainer.vocabularySize(4096).train(text);   // 256 bytes, 3839 merges, <|endoftext|>
 * tok.save(Path.of("data"));                                      // vocab.json, merges.txt, tokenizer.json
 * }</pre>
 *
 * <p>Memory grows with the number of distinct pieces, not with the length of the text:
 * {@link #countPieces} can be fed a corpus chunk by chunk.
 */
public final class BpeTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(BpeTrainer.class);

    private final int vocabSize;
    private final Map<String, long[]> pieceCounts = new HashMap<>();

    private BpeTrainer(int vocabSize) {
        this.vocabSize = vocabSize;
    }

    /**
     * A trainer for a vocabulary of {@code size} tokens: 256 bytes, {@code size - 257} merges and
     * {@code <|endoftext|>}.
     *
     * @throws IllegalArgumentException if {@code size < 257}
     * @param size the vocabulary size, {@code >= 257}
     * @return a trainer with nothing counted yet
     */
    public static BpeTrainer vocabularySize(int size) {
        if (size < 257) {
            throw new IllegalArgumentException("a byte-level BPE vocabulary needs at least 257 tokens "
                    + "(256 bytes and <|endoftext|>), got " + size);
        }
        return new BpeTrainer(size);
    }

    /**
     * Counts the pieces of {@code text} (call once per chunk of a large corpus); returns this trainer.
     *
     * @param text a chunk of the training text
     * @return this trainer
     */
    public BpeTrainer countPieces(CharSequence text) {
        Gpt2PreTokenizer.forEachPiece(text, piece -> pieceCounts.computeIfAbsent(piece, k -> new long[1])[0]++);
        return this;
    }

    /**
     * Counts the pieces of {@code text} and learns the merges.
     *
     * @param text the training text
     * @return the trained tokenizer
     */
    public BpeTokenizer train(CharSequence text) {
        return countPieces(text).train();
    }

    /**
     * Learns the merges from the pieces counted so far. Stops early, with a smaller vocabulary,
     * when no pair occurs any more (a tiny corpus).
     *
     * @return the trained tokenizer
     */
    public BpeTokenizer train() {
        // Distinct pieces as arrays of token ids, with how often each occurs.
        int words = pieceCounts.size();
        int[][] symbols = new int[words][];
        long[] counts = new long[words];
        int w = 0;
        for (Map.Entry<String, long[]> e : pieceCounts.entrySet()) {
            byte[] bytes = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            symbols[w] = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                symbols[w][i] = bytes[i] & 0xFF;
            }
            counts[w++] = e.getValue()[0];
        }
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, List<Integer>> pairWords = new HashMap<>();
        for (w = 0; w < words; w++) {
            addPairs(symbols[w], counts[w], w, pairCount, pairWords);
        }
        // Most frequent first; ties: smaller left id, then smaller right id. Entries go stale as
        // counts change and are skipped when their count is no longer the current one.
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> a[0] != b[0]
                ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
        pairCount.forEach((pair, count) -> queue.add(new long[] {count, pair}));

        List<byte[]> tokenBytes = new ArrayList<>(vocabSize);
        for (int b = 0; b < 256; b++) {
            tokenBytes.add(new byte[] {(byte) b});
        }
        List<int[]> merges = new ArrayList<>();
        int[] seen = new int[words];
        Arrays.fill(seen, -1);
        while (tokenBytes.size() < vocabSize - 1 && !queue.isEmpty()) {
            long[] top = queue.poll();
            Long current = pairCount.get(top[1]);
            if (current == null || current != top[0]) {
                continue;
            }
            int left = (int) (top[1] >>> 32);
            int right = (int) top[1];
            int merged = tokenBytes.size();
            byte[] a = tokenBytes.get(left);
            byte[] b = tokenBytes.get(right);
            byte[] ab = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, ab, a.length, b.length);
            tokenBytes.add(ab);
            merges.add(new int[] {left, right});

            Set<Long> touched = new HashSet<>();
            for (int word : pairWords.remove(top[1])) {
                if (seen[word] == merged) {
                    continue;
                }
                seen[word] = merged;
                int[] s = symbols[word];
                int[] after = mergeAll(s, left, right, merged);
                if (after.length == s.length) {
                    continue;                                    // a stale entry: the pair is gone from this word
                }
                removePairs(s, counts[word], pairCount, touched);
                symbols[word] = after;
                addPairs(after, counts[word], word, pairCount, pairWords);
                collectPairs(after, touched);
            }
            pairCount.remove(top[1]);
            for (long pair : touched) {
                Long count = pairCount.get(pair);
                if (count != null && count > 0) {
                    queue.add(new long[] {count, pair});
                }
            }
        }
        if (tokenBytes.size() < vocabSize - 1) {
            LOG.info("the corpus has no more pairs to merge: vocabulary {} instead of {}",
                    tokenBytes.size() + 1, vocabSize);
        }
        int endOfText = tokenBytes.size();
        tokenBytes.add(null);
        return new BpeTokenizer(tokenBytes.toArray(new byte[0][]), merges,
                Map.of(SpecialTokens.END_OF_TEXT, endOfText));
    }

    private static int[] mergeAll(int[] s, int left, int right, int merged) {
        int[] out = new int[s.length];
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
                out[n++] = merged;
                i++;
            } else {
                out[n++] = s[i];
            }
        }
        return n == s.length ? s : Arrays.copyOf(out, n);
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | right;
    }

    private static void addPairs(int[] s, long count, int word, Map<Long, Long> pairCount,
                                 Map<Long, List<Integer>> pairWords) {
        for (int i = 0; i + 1 < s.length; i++) {
            long p = pair(s[i], s[i + 1]);
            pairCount.merge(p, count, Long::sum);
            pairWords.computeIfAbsent(p, k -> new ArrayList<>()).add(word);
        }
    }

    private static void removePairs(int[] s, long count, Map<Long, Long> pairCount, Set<Long> touched) {
        for (int i = 0; i + 1 < s.length; i++) {
            long p = pair(s[i], s[i + 1]);
            long left = pairCount.merge(p, -count, Long::sum);
            if (left == 0) {
                pairCount.remove(p);
            }
            touched.add(p);
        }
    }

    private static void collectPairs(int[] s, Set<Long> touched) {
        for (int i = 0; i + 1 < s.length; i++) {
            touched.add(pair(s[i], s[i + 1]));
        }
    }
}
