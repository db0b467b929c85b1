package org.decoder4j.data.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a corpus of documents, streaming: either a text whose documents are separated by a
 * delimiter string, or JSON lines whose documents are one string field of each line's object.
 * A document's text is handed over in chunks that can be encoded one at a time
 * ({@link TextChunks}), followed by an end-of-document mark; empty documents are skipped.
 */
final class DocumentReader {

    /** One JSON value per line, nothing after it. */
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON_LINE =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /** Receives the documents. */
    interface Sink {
        /** The next piece of the current document (never empty). */
        void text(String chunk) throws IOException;

        /** The current document, which had at least one piece, is complete. */
        void endOfDocument() throws IOException;
    }

    private final String separator;
    private final String jsonField;

    private DocumentReader(String separator, String jsonField) {
        this.separator = separator;
        this.jsonField = jsonField;
    }

    /** Documents separated by {@code separator} (after universal newlines: write a line break as "\n"). */
    static DocumentReader separatedBy(String separator) {
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("the document separator is empty");
        }
        return new DocumentReader(separator, null);
    }

    /** One document per line of JSON lines: the string field {@code field} of each line's object. */
    static DocumentReader jsonLines(String field) {
        if (field.isEmpty()) {
            throw new IllegalArgumentException("the JSON lines field name is empty");
        }
        return new DocumentReader(null, field);
    }

    /** Reads {@code input} to the end, reporting each document to {@code sink}. */
    void read(Path input, int chunkChars, Sink sink, CorpusPreparation.Progress progress, String stage)
            throws IOException {
        try (PythonTextReader reader = PythonTextReader.open(input)) {
            if (separator != null) {
                readSeparated(reader, chunkChars, sink, progress, stage);
            } else {
                readJsonLines(input, reader, chunkChars, sink, progress, stage);
            }
        }
    }

    private void readSeparated(PythonTextReader reader, int chunkChars, Sink sink, CorpusPreparation.Progress progress,
                               String stage) throws IOException {
        TextChunks chunks = new TextChunks(reader, chunkChars, separator);
        boolean open = false;
        for (String chunk = chunks.next(Long.MAX_VALUE); chunk != null; chunk = chunks.next(Long.MAX_VALUE)) {
            int from = 0;
            for (int at = chunk.indexOf(separator); at >= 0; at = chunk.indexOf(separator, from)) {
                if (at > from) {
                    sink.text(chunk.substring(from, at));
                    open = true;
                }
                if (open) {
                    sink.endOfDocument();
                    open = false;
                }
                from = at + separator.length();
            }
            if (from < chunk.length()) {
                sink.text(chunk.substring(from));
                open = true;
            }
            progress.update(stage, reader.bytesRead(), reader.size());
        }
        if (open) {
            sink.endOfDocument();
        }
    }

    private void readJsonLines(Path input, PythonTextReader reader, int chunkChars, Sink sink,
                               CorpusPreparation.Progress progress, String stage) throws IOException {
        StringBuilder buffer = new StringBuilder();
        long lineNumber = 0;
        boolean more = true;
        while (more) {
            more = reader.read(buffer, chunkChars);
            int from = 0;
            while (true) {
                int end = buffer.indexOf("\n", from);
                if (end < 0 && more) {
                    break;
                }
                String line = buffer.substring(from, end < 0 ? buffer.length() : end);
                lineNumber++;
                document(input, lineNumber, line, sink);
                if (end < 0) {
                    from = buffer.length();
                    break;
                }
                from = end + 1;
            }
            buffer.delete(0, from);
            progress.update(stage, reader.bytesRead(), reader.size());
        }
    }

    private void document(Path input, long lineNumber, String line, Sink sink) throws IOException {
        if (line.isBlank()) {
            return;
        }
        JsonNode node;
        try {
            node = JSON_LINE.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException(input + " line " + lineNumber + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode value = node == null || !node.isObject() ? null : node.get(jsonField);
        if (value == null || !value.isTextual()) {
            throw new IOException(input + " line " + lineNumber + ": expected a JSON object with a string field \""
                    + jsonField + "\"");
        }
        String text = value.textValue();
        if (!text.isEmpty()) {
            sink.text(text);
            sink.endOfDocument();
        }
    }
}
