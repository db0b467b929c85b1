package org.decoder4j.data.corpus;

/**
 * Where a corpus of documents divides into training and validation: the validation part starts
 * with the first document that starts at or after a given character, or with the last document
 * if none does. Fed the documents in order, it says which part the current one belongs to.
 */
final class DocumentSplit {

    private final long splitCharacter;
    private final long documents;
    private long characters;
    private long documentIndex;
    private long documentsInPart;
    private boolean atStart = true;
    private boolean validation;

    DocumentSplit(long splitCharacter, long documents) {
        this.splitCharacter = splitCharacter;
        this.documents = documents;
    }

    /** A new split of the same corpus, at its beginning. */
    DocumentSplit fresh() {
        return new DocumentSplit(splitCharacter, documents);
    }

    /** A piece of the current document; decides the part when it is the document's first. */
    void text(String chunk) {
        if (atStart && !validation
                && (characters >= splitCharacter || documentIndex == documents - 1) && documentIndex > 0) {
            validation = true;
            documentsInPart = 0;
        }
        atStart = false;
        characters += chunk.codePointCount(0, chunk.length());
    }

    void endOfDocument() {
        documentIndex++;
        documentsInPart++;
        atStart = true;
    }

    /** Whether no piece of the next document has been seen yet. */
    boolean atDocumentStart() {
        return atStart;
    }

    /** Whether the current document is in the validation part (decided by its first piece). */
    boolean inValidation() {
        return validation;
    }

    /** Complete documents written to the current part. */
    long documentsInPart() {
        return documentsInPart;
    }
}
