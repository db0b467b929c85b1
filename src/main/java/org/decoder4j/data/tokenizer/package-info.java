/**
 * Text to token ids and back: {@link org.decoder4j.data.tokenizer.Tokenizer} and its kinds —
 * characters ({@code CharTokenizer}), GPT-2's byte-level BPE ({@code Gpt2Tokenizer}), BPE trained
 * on a corpus ({@code BpeTrainer}, {@code BpeTokenizer}) — with their special tokens and their
 * files ({@code tokenizer.json}, Hugging Face's {@code vocab.json} and {@code merges.txt}). It may
 * use {@code io}; nothing else of decoder4j.
 */
package org.decoder4j.data.tokenizer;
