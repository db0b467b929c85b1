/**
 * decoder4j: training GPT-style decoder-only transformers in Java. The packages are layered,
 * imports pointing down only: {@code tensor} (autograd and ops, its CPU engine in
 * {@code tensor.cpu}), {@code nn} (the model), {@code loss}, {@code optim}, {@code amp}, the
 * {@code data} packages (tokenizers, token files, batches, corpus preparation), {@code train},
 * {@code eval}, {@code generate}, {@code sft}, {@code rl}, {@code distributed}, and {@code io}
 * (file formats) beneath them; the command line is separate. docs/architecture.md has the
 * picture and where new code goes.
 */
package org.decoder4j;
