/**
 * Supervised fine-tuning on dialogues: chat files, templates, and batches whose loss covers the
 * assistant's turns only, fed to the {@code train} package's trainer. It may use
 * {@code tensor}, {@code loss}, {@code nn}, {@code io} and {@code data}.
 */
package org.decoder4j.sft;
