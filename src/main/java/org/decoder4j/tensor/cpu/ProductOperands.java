package org.decoder4j.tensor.cpu;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The operands of {@code C = op(A)·op(B)} as a row-major kernel (BLAS with {@code CblasRowMajor},
 * oneDNN with strides) takes them, with the sizes of one matrix of C. A column-major C is written
 * as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} into the same memory read row-major, so the kernels only ever see a
 * row-major result.
 *
 * <pre>{@code
 * ProductOperands p = ProductOperands.of(a, false, b, true, c);   // C = A·Bᵀ
 * // p.a(), p.b(), p.c(): what to hand the kernel; p.m() × p.n() with inner size p.k()
 * }</pre>
 */
record ProductOperands(MatrixOperand a, MatrixOperand b, MatrixOperand c, int m, int n, int k) {

    /**
     * @param a {@code [..., M, K]}, or {@code [..., K, M]} when {@code transA}
     * @param b {@code [..., K, N]}, or {@code [..., N, K]} when {@code transB}
     * @param c {@code [..., M, N]}, row- or column-major in its last two axes
     * @throws IllegalArgumentException if C is neither, since writing it through a copy would lose the result
     */
    static ProductOperands of(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        int r = c.rank();
        MatrixOperand opA = MatrixOperand.of(a, transA);
        MatrixOperand opB = MatrixOperand.of(b, transB);
        MatrixOperand opC = MatrixOperand.of(c, false);
        if (opC.array != c) {
            throw new IllegalArgumentException("the product's output must be row- or column-major in its"
                    + " last two axes, got " + c.shapeInfoToString());
        }
        int k = (int) (transA ? a.size(r - 2) : a.size(r - 1));
        if (!opC.transposed) {
            return new ProductOperands(opA, opB, opC, (int) c.size(r - 2), (int) c.size(r - 1), k);
        }
        // C column-major: Cᵀ = op(B)ᵀ·op(A)ᵀ, read row-major from C's memory
        return new ProductOperands(opB.flip(), opA.flip(), opC.flip(), (int) c.size(r - 1), (int) c.size(r - 2), k);
    }
}
