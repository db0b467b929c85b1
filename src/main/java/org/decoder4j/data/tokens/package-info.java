/**
 * Token files: nanoGPT's raw little-endian uint16 format, read as a memory-mapped
 * {@link org.decoder4j.data.tokens.TokenDataset} and written by {@code TokenFileWriter}, with
 * the checks that a file is whole and its ids fit a vocabulary. It may use {@code io}; nothing
 * else of decoder4j.
 */
package org.decoder4j.data.tokens;
