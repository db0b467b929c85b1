/**
 * Files others can read: safetensors (reading, writing, bfloat16 and float16 codecs) and
 * crash-safe writes (a temporary name, then a rename). It depends on the JDK and Jackson only;
 * the model and tokenizer formats built on it live in {@code nn} and {@code data}.
 */
package org.decoder4j.io;
