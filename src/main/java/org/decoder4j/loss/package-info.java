/**
 * Losses over logits: cross-entropy with an ignore index and masks. It may use {@code tensor}
 * only.
 */
package org.decoder4j.loss;
