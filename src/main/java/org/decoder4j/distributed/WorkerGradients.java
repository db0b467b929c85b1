package org.decoder4j.distributed;

import java.io.Serializable;

/**
 * What one worker sends back for a step: the gradients of its weighted share of the step's loss
 * as one flat vector in the model's {@link org.decoder4j.tensor.ParameterBuffer} order, the share
 * of the loss itself, and how long its parts took.
 *
 * @param worker       index of the worker, from 0
 * @param gradients    flat float32 gradients, one per parameter, as {@link ParameterVector} bytes
 * @param loss         this worker's share of the step loss (the shares of all workers add up to it)
 * @param tokens       tokens this worker computed
 * @param fetchNanos   getting the step's parameters into the replica (broadcast read and copy)
 * @param computeNanos forward and backward
 * @param packNanos    copying the gradients out of the replica into {@code gradients}
 */
record WorkerGradients(int worker, byte[] gradients, double loss, long tokens, long fetchNanos,
                              long computeNanos, long packNanos) implements Serializable {
}
