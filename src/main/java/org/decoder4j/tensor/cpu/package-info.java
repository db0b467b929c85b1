/**
 * The CPU engine under the tensor ops: matrix products on oneDNN or BLAS, the fused float32
 * kernels (layer norm, tanh GELU, causal softmax, cross-entropy, Adam, sum of squares) and the
 * vectorisable exponential of the softmax ones, bfloat16 rows for the kernels that read them, the loop
 * splitter that spreads them over cores, and the native libraries' process settings.
 *
 * <p>Not part of the library's API: only {@code org.decoder4j.tensor} uses it (a test holds the
 * boundary), and its classes change with the engine. Programs see the engine through
 * {@link org.decoder4j.tensor.ComputeEngine} and the tensor ops. It depends on ND4J, JavaCPP's
 * presets and JNA only.
 */
package org.decoder4j.tensor.cpu;
