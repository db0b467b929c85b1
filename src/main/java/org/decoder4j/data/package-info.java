/**
 * Text to tokens: tokenizers (characters, GPT-2's BPE, BPE trained on a corpus), nanoGPT's
 * uint16 token files and their preparation, Tiny Shakespeare's download, and the batch
 * samplers that cut token files into training windows (as ND4J arrays). It may use {@code io}
 * and ND4J; nothing else of decoder4j.
 */
package org.decoder4j.data;
