package org.decoder4j.data.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
import org.decoder4j.data.tokenizer.IdBuffer;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.data.tokens.TokenDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Corpora of documents: each encoded on its own, <|endoftext|> between them, split by documents. */
class DocumentPreparationTest {

    private static final String SEPARATOR = "\n===\n";

    @TempDir
    Path dir;

    /** Ten documents of different lengths with awkward characters. */
    private static List<String> documents() {
        String[] parts = {" ", "  ", "\n", "a", "bc", "'s", "7", "é", "日本", "\uD83E\uDD80", "!", "x ", " y", "The"};
        Random random = new Random(5);
        List<String> docs = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            StringBuilder doc = new StringBuilder("Doc" + d);
            int length = 50 + random.nextInt(400);
            while (doc.length() < length) {
                doc.append(parts[random.nextInt(parts.length)]);
            }
            docs.add(doc.toString().strip());
        }
        return docs;
    }

    /** The ids expected for the documents: train part, val part. */
    private static int[][] expected(List<String> docs, Tokenizer tok) {
        long total = docs.stream().mapToLong(d -> d.codePointCount(0, d.length())).sum();
        long splitCharacter = (long) (total * 0.9);
        int first = docs.size() - 1;
        long start = 0;
        for (int d = 0; d < docs.size(); d++) {
            if (d > 0 && start >= splitCharacter) {
                first = d;
                break;
            }
            start += docs.get(d).codePointCount(0, docs.get(d).length());
        }
        return new int[][] {joined(docs.subList(0, first), tok), joined(docs.subList(first, docs.size()), tok)};
    }

    private static int[] joined(List<String> docs, Tokenizer tok) {
        IdBuffer ids = new IdBuffer(64);
        for (int d = 0; d < docs.size(); d++) {
            if (d > 0) {
                ids.add(50256);
            }
            ids.add(tok.encode(docs.get(d)));
        }
        return ids.toArray();
    }

    private static int[] ids(Path file) throws IOException {
        TokenDataset d = TokenDataset.open(file);
        long[] all = new long[(int) d.size()];
        d.copy(0, all, 0, all.length);
        return java.util.Arrays.stream(all).mapToInt(x -> (int) x).toArray();
    }

    @Test
    void separatedDocumentsGetEndOfTextBetweenThem() throws IOException {
        List<String> docs = documents();
        // Empty documents (a separator at the start, two in a row, one at the end) are skipped.
        Path input = Files.writeString(dir.resolve("docs.txt"), SEPARATOR + String.join(SEPARATOR, docs)
                .replace("Doc3", SEPARATOR + "Doc3") + SEPARATOR);
        int[][] expected = expected(docs, Gpt2Tokenizer.standard());
        for (int chunk : new int[] {40, 4 << 20}) {
            Path out = dir.resolve("sep" + chunk);
            PreparedCorpus c = CorpusPreparation.with(Gpt2Tokenizer.standard()).documentSeparator(SEPARATOR)
                    .chunkChars(chunk).prepare(input, out);
            assertArrayEquals(expected[0], ids(c.trainFile()), "chunks of " + chunk);
            assertArrayEquals(expected[1], ids(c.valFile()), "chunks of " + chunk);
            assertEquals(docs.stream().mapToLong(d -> d.codePointCount(0, d.length())).sum(), c.characters());
        }
    }

    @Test
    void jsonLinesGiveTheSameTokens() throws IOException {
        List<String> docs = documents();
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (int d = 0; d < docs.size(); d++) {
            lines.append(json.writeValueAsString(java.util.Map.of("id", d, "text", docs.get(d)))).append('\n');
        }
        Path input = Files.writeString(dir.resolve("docs.jsonl"), lines);
        int[][] expected = expected(docs, Gpt2Tokenizer.standard());
        PreparedCorpus c = CorpusPreparation.with(Gpt2Tokenizer.standard()).jsonLinesField("text").chunkChars(100)
                .prepare(input, dir.resolve("jsonl"));
        assertArrayEquals(expected[0], ids(c.trainFile()));
        assertArrayEquals(expected[1], ids(c.valFile()));
    }

    @Test
    void trainedBpeSeesOnlyTheTrainingDocuments() throws IOException {
        List<String> docs = documents();
        Path input = Files.writeString(dir.resolve("docs.txt"), String.join(SEPARATOR, docs));
        PreparedCorpus c = CorpusPreparation.trainingBpe(300).documentSeparator(SEPARATOR).prepare(input, dir.resolve("bpe"));
        Tokenizer tok = Tokenizer.load(dir.resolve("bpe"));
        assertEquals(300, tok.vocabSize());
        assertEquals(299, tok.specialTokens().get("<|endoftext|>"));
        String train = tok.decode(ids(c.trainFile()));
        String val = tok.decode(ids(c.valFile()));
        assertEquals(String.join(SEPARATOR, docs), (train + SEPARATOR + val).replace("<|endoftext|>", SEPARATOR));
    }

    @Test
    void badDocumentInputIsRefusedAndNothingIsWritten() throws IOException {
        Path out = dir.resolve("out");
        Path jsonl = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"one\"}\n{\"text\": \"two\"}\n{\"body\": 3}\n");
        IOException e = assertThrows(IOException.class, () -> CorpusPreparation.with(Gpt2Tokenizer.standard())
                .jsonLinesField("text").prepare(jsonl, out));
        assertEquals(jsonl + " line 3: expected a JSON object with a string field \"text\"", e.getMessage());

        Path notJson = Files.writeString(dir.resolve("not.jsonl"), "{\"text\": \"one\"}\nnot json\n");
        IOException e2 = assertThrows(IOException.class, () -> CorpusPreparation.with(Gpt2Tokenizer.standard())
                .jsonLinesField("text").prepare(notJson, out));
        assertEquals(true, e2.getMessage().startsWith(notJson + " line 2: not valid JSON"), e2.getMessage());

        Path single = Files.writeString(dir.resolve("single.txt"), "only one document" + SEPARATOR);
        IOException e3 = assertThrows(IOException.class, () -> CorpusPreparation.with(Gpt2Tokenizer.standard())
                .documentSeparator(SEPARATOR).prepare(single, out));
        assertEquals(single + " has 1 non-empty document(s); a train/val split by documents needs at least 2",
                e3.getMessage());
        assertFalse(Files.exists(out));

        IllegalArgumentException chars = assertThrows(IllegalArgumentException.class,
                () -> CorpusPreparation.characters().documentSeparator(SEPARATOR));
        assertEquals(true, chars.getMessage().contains("<|endoftext|>"), chars.getMessage());
    }
}
