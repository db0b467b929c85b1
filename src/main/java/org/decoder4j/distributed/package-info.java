/**
 * Data-parallel training on Apache Spark: workers compute gradients of their share of each batch
 * and the driver sums them, so the run follows single-process training. Spark is a provided
 * dependency: only code that calls this package needs it on the class path. It may use
 * {@code tensor}, {@code nn}, {@code amp}, {@code data} and {@code train}.
 */
package org.decoder4j.distributed;
