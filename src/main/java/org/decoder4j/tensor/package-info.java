/**
 * The array engine: {@link org.decoder4j.tensor.Tensor} (an ND4J array with its gradient and the
 * op that made it), reverse-mode autograd with hand-written backward passes, the no-grad and
 * memory scopes, autocast for mixed precision, and the CPU fast paths (BLAS, oneDNN, fused
 * float32/bfloat16 kernels) behind one facade. It depends on ND4J, JavaCPP and the JDK only,
 * never on another decoder4j package.
 */
package org.decoder4j.tensor;
