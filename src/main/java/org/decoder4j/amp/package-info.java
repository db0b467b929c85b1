/**
 * Mixed precision: the precision policy of a run ({@link org.decoder4j.amp.Precision}) and the
 * loss scaler for float16 ({@link org.decoder4j.amp.GradScaler}). It may use {@code tensor} and
 * {@code optim}.
 */
package org.decoder4j.amp;
