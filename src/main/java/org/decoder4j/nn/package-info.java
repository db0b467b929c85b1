/**
 * The model: {@link org.decoder4j.nn.GPT} and its parts (embeddings, layer norm, causal
 * self-attention, feed-forward, decoder block), its configuration, and Hugging Face GPT-2
 * checkpoints (config.json and weight names). It may use {@code tensor} and {@code io}.
 */
package org.decoder4j.nn;
