package org.decoder4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The backward pass of one recorded operation: given dL/d(output), the gradients with respect to
 * each input, in input order ({@code null} where an input needs none).
 *
 * <p>Implementations must not modify {@code gradOutput} in place, and must not keep arrays they
 * allocate beyond the call: those land in the backward pass's scratch workspace, which is reset a
 * few operations later ({@link BackwardPass}). They may return {@code gradOutput} itself, a view of
 * it, or arrays of the forward pass.
 */
@FunctionalInterface
public interface Backward {

    /**
     * @param gradOutput dL/d(output), the shape of the output
     * @return one gradient per input, each the shape of its input, or null entries
     */
    INDArray[] apply(INDArray gradOutput);
}
