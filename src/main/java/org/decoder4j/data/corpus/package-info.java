/**
 * Corpus preparation: a text, a directory of documents or a JSON-lines file encoded with a
 * tokenizer into train and validation token files plus the tokenizer's files
 * ({@link org.decoder4j.data.corpus.CorpusPreparation}, {@code CharCorpusPreparation}), read
 * with Python's text semantics, and Tiny Shakespeare's download ({@code ShakespeareCorpus}). It
 * may use {@code data.tokenizer}, {@code data.tokens} and {@code io}; nothing else of decoder4j.
 */
package org.decoder4j.data.corpus;
