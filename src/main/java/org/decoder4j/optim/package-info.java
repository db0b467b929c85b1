/**
 * Optimizers (SGD, Adam, AdamW) with parameter groups, PyTorch's learning-rate schedules, and
 * gradient clipping, each matching PyTorch's definition. It may use {@code tensor} only.
 */
package org.decoder4j.optim;
