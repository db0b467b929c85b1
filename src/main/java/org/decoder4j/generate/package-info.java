/**
 * Text generation: {@link org.decoder4j.generate.Generator} with sampling policies
 * ({@link org.decoder4j.generate.Sampling}), stop rules, streaming, and the key/value cache. It
 * may use {@code tensor}, {@code nn} and {@code data}.
 */
package org.decoder4j.generate;
