package org.decoder4j.data.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.decoder4j.data.tokenizer.BpeTokenizer;
import org.decoder4j.data.tokenizer.BpeTrainer;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.data.tokenizer.Gpt2Tokenizer;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.data.tokenizer.TokenizerFiles;
import org.decoder4j.data.tokens.TokenFileFormat;
import org.decoder4j.data.tokens.TokenFileOutput;
import org.decoder4j.io.AtomicWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a text file of any size into training data as nanoGPT's preparation scripts do: the
 * first {@code floor(0.9·n)} characters are the training split and the rest the validation split,
 * each encoded on its own and written to {@code train.bin} and {@code val.bin}, with the tokenizer
 * beside them ({@code tokenizer.json}, and for a trained BPE {@code vocab.json} + {@code merges.txt}).
 *
 * <pre>{@code
 * PreparedCorpus gpt2 = CorpusPreparation.with(Gpt2Tokenizer.standard())
 *         .prepare(Path.of("input.txt"), Path.of("data/gpt2"));          // 301,966 + 36,059 tokens
 * PreparedCorpus chars = CorpusPreparation.characters().prepare(input, Path.of("data/char"));
 * PreparedCorpus bpe = CorpusPreparation.trainingBpe(4096)
 *         .progress((stage, done, total) -> ...)
 *         .prepare(input, Path.of("data/bpe"));
 * }</pre>
 *
 * <p>The text is read as Python reads it (strict UTF-8, universal newlines) and streamed: it is
 * read once to count its characters (and to collect them, for the character tokenizer), once more
 * to count its pieces when a BPE is trained (on the training split only), and once to encode it,
 * a few million characters at a time, cut where GPT-2's pre-tokenisation gives the same tokens as
 * for the whole text ({@link TextChunks}). Memory stays bounded however large the file.
 *
 * <p>Token files are uint16 when the vocabulary fits and uint32 otherwise ({@link TokenFileFormat}),
 * unless a format is set. Every check (missing or empty file, invalid UTF-8, a text too short to
 * split, a vocabulary that does not fit the format) fails before any output exists, and all
 * files are written under temporary names and renamed only when all are complete, so a failure
 * leaves nothing half-written.
 */
public final class CorpusPreparation {

    /** Reports how far a preparation has come; called from the preparing thread after each chunk. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param stage what is being done: {@code "reading"}, {@code "training tokenizer"} or {@code "encoding"}
         * @param bytesDone bytes of the input handled in this stage so far
         * @param bytesTotal bytes of the input
         */
        void update(String stage, long bytesDone, long bytesTotal);
    }

    static final String TRAIN_FILE = "train.bin";
    static final String VAL_FILE = "val.bin";

    private static final Logger LOG = LoggerFactory.getLogger(CorpusPreparation.class);
    private static final int CHUNK_CHARS = 4 << 20;

    /** The given tokenizer, or null when it is fitted to the text. */
    private final Tokenizer tokenizer;
    /** The vocabulary size of a BPE to train, or 0. */
    private final int bpeVocabSize;
    private final TokenFileFormat format;
    private final Progress progress;
    private final int chunkChars;
    /** How the text divides into documents, or null for one plain text. */
    private final DocumentReader documents;

    private CorpusPreparation(Tokenizer tokenizer, int bpeVocabSize, TokenFileFormat format, Progress progress,
                              int chunkChars) {
        this(tokenizer, bpeVocabSize, format, progress, chunkChars, null);
    }

    private CorpusPreparation(Tokenizer tokenizer, int bpeVocabSize, TokenFileFormat format, Progress progress,
                              int chunkChars, DocumentReader documents) {
        this.tokenizer = tokenizer;
        this.bpeVocabSize = bpeVocabSize;
        this.format = format;
        this.progress = progress;
        this.chunkChars = chunkChars;
        this.documents = documents;
    }

    /**
     * One token per character, the vocabulary being the sorted set of the text's characters (nanoGPT's {@code shakespeare_char}).
     *
     * @return the character preparation
     */
    public static CorpusPreparation characters() {
        return new CorpusPreparation(null, 0, null, (s, d, t) -> { }, CHUNK_CHARS);
    }

    /**
     * Encoding with a given tokenizer, such as {@link Gpt2Tokenizer#standard()} (nanoGPT's {@code shakespeare}).
     *
     * @param tokenizer the tokenizer to encode with
     * @return the preparation
     */
    public static CorpusPreparation with(Tokenizer tokenizer) {
        return new CorpusPreparation(Objects.requireNonNull(tokenizer, "tokenizer"), 0, null, (s, d, t) -> { },
                CHUNK_CHARS);
    }

    /**
     * A byte-level BPE of {@code vocabSize} tokens trained on the training split by {@link BpeTrainer}.
     *
     * @throws IllegalArgumentException if {@code vocabSize < 257}
     * @param vocabSize the vocabulary size to train, {@code >= 257}
     * @return the preparation
     */
    public static CorpusPreparation trainingBpe(int vocabSize) {
        BpeTrainer.vocabularySize(vocabSize);
        return new CorpusPreparation(null, vocabSize, null, (s, d, t) -> { }, CHUNK_CHARS);
    }

    /**
     * The same, writing token files in {@code tokenFormat} rather than the smallest that fits.
     *
     * @param tokenFormat uint16 or uint32 ids
     * @return the new preparation
     */
    public CorpusPreparation format(TokenFileFormat tokenFormat) {
        return new CorpusPreparation(tokenizer, bpeVocabSize, Objects.requireNonNull(tokenFormat, "tokenFormat"),
                progress, chunkChars, documents);
    }

    /**
     * The same, reporting progress to {@code listener}.
     *
     * @param listener receives the characters and tokens done so far
     * @return the new preparation
     */
    public CorpusPreparation progress(Progress listener) {
        return new CorpusPreparation(tokenizer, bpeVocabSize, format, Objects.requireNonNull(listener, "listener"),
                chunkChars, documents);
    }

    /** The same, encoding chunks of about {@code chars} characters (for tests of the chunking). */
    CorpusPreparation chunkChars(int chars) {
        return new CorpusPreparation(tokenizer, bpeVocabSize, format, progress, chars, documents);
    }

    /**
     * The same for a text of documents separated by {@code separator} (line breaks in it written
     * {@code "\n"}): each document is encoded on its own, {@code <|endoftext|>} goes between
     * documents, and the validation split starts with the first document that starts at or after
     * 90% of the documents' characters (or with the last document, if none does).
     *
     * @throws IllegalArgumentException if the separator is empty or the tokenizer has no {@code <|endoftext|>}
     * @param separator the text between documents
     * @return the new preparation
     */
    public CorpusPreparation documentSeparator(String separator) {
        return withDocuments(DocumentReader.separatedBy(separator));
    }

    /**
     * The same for JSON lines: each line is an object whose string field {@code field} is one
     * document; documents are handled as with {@link #documentSeparator(String)}.
     *
     * @throws IllegalArgumentException if the field is empty or the tokenizer has no {@code <|endoftext|>}
     * @param field the name of the field holding each document's text
     * @return the new preparation
     */
    public CorpusPreparation jsonLinesField(String field) {
        return withDocuments(DocumentReader.jsonLines(field));
    }

    private CorpusPreparation withDocuments(DocumentReader reader) {
        if (tokenizer == null && bpeVocabSize == 0) {
            throw new IllegalArgumentException("documents are separated by <|endoftext|>, which the character "
                    + "tokenizer does not have: use GPT-2's BPE or a trained BPE");
        }
        if (tokenizer != null && !tokenizer.specialTokens().containsKey(Tokenizer.END_OF_TEXT)) {
            throw new IllegalArgumentException("documents are separated by <|endoftext|>, which the "
                    + tokenizer.name() + " tokenizer does not have");
        }
        return new CorpusPreparation(tokenizer, bpeVocabSize, format, progress, chunkChars, reader);
    }

    /**
     * Prepares {@code inputText} into {@code outputDir} (created if missing).
     *
     * @throws NoSuchFileException if the input does not exist
     * @throws IOException if the input is empty, is not UTF-8 (naming the byte offset), is too
     *     short to split, or its vocabulary does not fit the token file format; nothing is written then
     * @param inputText a UTF-8 text file (or JSON lines file)
     * @param outputDir where train.bin, val.bin and tokenizer.json are written
     * @return the prepared files and their sizes
     */
    public PreparedCorpus prepare(Path inputText, Path outputDir) throws IOException {
        if (!Files.isRegularFile(inputText)) {
            throw new NoSuchFileException(inputText.toString(), null, "input text file not found");
        }
        if (Files.size(inputText) == 0) {
            throw new IOException(inputText + " is empty; there is nothing to train on");
        }
        if (documents != null) {
            return prepareDocuments(inputText, outputDir);
        }
        BitSet characters = tokenizer == null && bpeVocabSize == 0 ? new BitSet() : null;
        long n = scan(inputText, characters);
        long split = (long) (n * 0.9);                                   // Python's int(n*0.9)
        if (split == 0 || split == n) {
            throw new IOException(inputText + " has " + n + " character(s), too few for a 90/10 train/val split");
        }
        Tokenizer tok = tokenizer != null ? tokenizer
                : characters != null ? charTokenizer(characters)
                : trainBpe(inputText, split);
        TokenFileFormat tokenFormat = checkedFormat(inputText, tok);
        PreparedCorpus prepared = write(outputDir, tok, tokenFormat, n, (train, val) -> {
            try (PythonTextReader reader = PythonTextReader.open(inputText)) {
                TextChunks chunks = new TextChunks(reader, chunkChars);
                encode(chunks, split, tok, train, reader);
                encode(chunks, Long.MAX_VALUE, tok, val, reader);
            }
        });
        LOG.info("prepared {}: {} characters, {} tokenizer with {} tokens, train {} tokens, val {} tokens ({}) in {}",
                inputText, n, tok.name(), prepared.vocabSize(), prepared.trainTokens(), prepared.valTokens(),
                tokenFormat, outputDir);
        return prepared;
    }

    /** Fills the two token files. */
    @FunctionalInterface
    private interface Encoding {
        void into(TokenFileOutput train, TokenFileOutput val) throws IOException;
    }

    /**
     * Writes train.bin and val.bin as {@code encoding} fills them, and the tokenizer's files, each
     * under a temporary name; all are renamed only when all are complete.
     */
    private static PreparedCorpus write(Path outputDir, Tokenizer tok, TokenFileFormat tokenFormat, long characters,
                                        Encoding encoding) throws IOException {
        Map<String, byte[]> tokenizerFiles = TokenizerFiles.of(tok);
        List<AtomicWrite> others = new ArrayList<>();
        try (TokenFileOutput train = TokenFileOutput.create(outputDir.resolve(TRAIN_FILE), tokenFormat);
             TokenFileOutput val = TokenFileOutput.create(outputDir.resolve(VAL_FILE), tokenFormat)) {
            encoding.into(train, val);
            for (Map.Entry<String, byte[]> f : tokenizerFiles.entrySet()) {
                AtomicWrite out = AtomicWrite.to(outputDir.resolve(f.getKey()));
                others.add(out);
                out.stream().write(f.getValue());
            }
            train.commit();
            val.commit();
            for (AtomicWrite out : others) {
                out.commit();
            }
            return new PreparedCorpus(outputDir, tok.vocabSize(), characters, train.count(), val.count());
        } finally {
            others.forEach(AtomicWrite::close);
        }
    }

    private PreparedCorpus prepareDocuments(Path input, Path outputDir) throws IOException {
        long[] totals = new long[2];                                       // characters, documents
        documents.read(input, chunkChars, new DocumentReader.Sink() {
            @Override
            public void text(String chunk) {
                totals[0] += chunk.codePointCount(0, chunk.length());
            }

            @Override
            public void endOfDocument() {
                totals[1]++;
            }
        }, progress, "reading");
        long n = totals[0];
        if (totals[1] < 2) {
            throw new IOException(input + " has " + totals[1] + " non-empty document(s); a train/val split by "
                    + "documents needs at least 2");
        }
        DocumentSplit split = new DocumentSplit((long) (n * 0.9), totals[1]);
        Tokenizer tok = tokenizer;
        if (tok == null) {
            BpeTrainer trainer = BpeTrainer.vocabularySize(bpeVocabSize);
            DocumentSplit counting = split.fresh();
            documents.read(input, chunkChars, new DocumentReader.Sink() {
                @Override
                public void text(String chunk) {
                    counting.text(chunk);
                    if (!counting.inValidation()) {
                        trainer.countPieces(chunk);
                    }
                }

                @Override
                public void endOfDocument() {
                    counting.endOfDocument();
                }
            }, progress, "training tokenizer");
            tok = trainer.train();
        }
        TokenFileFormat tokenFormat = checkedFormat(input, tok);
        int endOfText = tok.specialTokens().get(Tokenizer.END_OF_TEXT);
        Tokenizer encoder = tok;
        PreparedCorpus prepared = write(outputDir, tok, tokenFormat, n, (train, val) -> {
            DocumentSplit writing = split.fresh();
            documents.read(input, chunkChars, new DocumentReader.Sink() {
                @Override
                public void text(String chunk) throws IOException {
                    boolean first = writing.atDocumentStart();
                    writing.text(chunk);                             // decides the part of a new document
                    TokenFileOutput out = writing.inValidation() ? val : train;
                    if (first && writing.documentsInPart() > 0) {
                        out.append(new int[] {endOfText});          // between documents of one part
                    }
                    out.append(encoder.encode(chunk));
                }

                @Override
                public void endOfDocument() {
                    writing.endOfDocument();
                }
            }, progress, "encoding");
        });
        LOG.info("prepared {}: {} documents, {} characters, {} tokenizer with {} tokens, train {} tokens, "
                        + "val {} tokens ({}) in {}", input, totals[1], n, tok.name(), prepared.vocabSize(),
                prepared.trainTokens(), prepared.valTokens(), tokenFormat, outputDir);
        return prepared;
    }

    private TokenFileFormat checkedFormat(Path input, Tokenizer tok) throws IOException {
        TokenFileFormat tokenFormat = format != null ? format : TokenFileFormat.smallestFor(tok.vocabSize());
        try {
            tokenFormat.checkFits(tok.vocabSize());
        } catch (IllegalArgumentException e) {
            throw new IOException(input + ": " + e.getMessage(), e);
        }
        return tokenFormat;
    }

    /** Counts the code points of the text (checking its UTF-8), collecting them if {@code characters} is given. */
    private long scan(Path input, BitSet characters) throws IOException {
        long count = 0;
        try (PythonTextReader reader = PythonTextReader.open(input)) {
            StringBuilder buffer = new StringBuilder(chunkChars);
            while (reader.read(buffer, chunkChars)) {
                for (int i = 0; i < buffer.length(); i++) {
                    char c = buffer.charAt(i);
                    if (!Character.isLowSurrogate(c)) {
                        count++;
                    }
                    if (characters != null) {
                        if (Character.isHighSurrogate(c) && i + 1 < buffer.length()) {
                            characters.set(Character.toCodePoint(c, buffer.charAt(++i)));
                        } else {
                            characters.set(c);
                        }
                    }
                }
                // A surrogate pair cut between two reads: keep its high half for the next round.
                char last = buffer.charAt(buffer.length() - 1);
                buffer.setLength(0);
                if (Character.isHighSurrogate(last)) {
                    if (characters != null) {
                        characters.clear(last);
                    }
                    buffer.append(last);
                    count--;
                }
                progress.update("reading", reader.bytesRead(), reader.size());
            }
        }
        return count;
    }

    private static CharTokenizer charTokenizer(BitSet characters) {
        List<String> vocabulary = new ArrayList<>(characters.cardinality());
        for (int cp = characters.nextSetBit(0); cp >= 0; cp = characters.nextSetBit(cp + 1)) {
            vocabulary.add(Character.toString(cp));
        }
        return CharTokenizer.of(vocabulary);
    }

    private BpeTokenizer trainBpe(Path input, long split) throws IOException {
        BpeTrainer trainer = BpeTrainer.vocabularySize(bpeVocabSize);
        long started = System.nanoTime();
        try (PythonTextReader reader = PythonTextReader.open(input)) {
            TextChunks chunks = new TextChunks(reader, chunkChars);
            long left = split;
            for (String chunk = chunks.next(left); chunk != null; chunk = chunks.next(left)) {
                trainer.countPieces(chunk);
                left -= chunk.codePointCount(0, chunk.length());
                progress.update("training tokenizer", reader.bytesRead(), reader.size());
            }
        }
        BpeTokenizer trained = trainer.train();
        LOG.info("trained a byte-level BPE of {} tokens on {} characters in {} s", trained.vocabSize(), split,
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        return trained;
    }

    private void encode(TextChunks chunks, long codePoints, Tokenizer tok, TokenFileOutput out,
                        PythonTextReader reader) throws IOException {
        long left = codePoints;
        for (String chunk = chunks.next(left); chunk != null; chunk = chunks.next(left)) {
            out.append(tok.encode(chunk));
            left -= chunk.codePointCount(0, chunk.length());
            progress.update("encoding", reader.bytesRead(), reader.size());
        }
    }
}
