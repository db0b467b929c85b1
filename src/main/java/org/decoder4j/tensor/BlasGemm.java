package org.decoder4j.tensor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Float32 and float64 matrix products straight through BLAS {@code gemm} on the arrays' memory.
 *
 * <p>ND4J's {@code matmul} op builds a native op context for every call (tens of microseconds, and
 * more when its BLAS threads wake), which at the sizes of a small training step cost as much as
 * the product itself. Here each product is one {@code cblas_?gemm} call; a batched product is one
 * call per matrix. Views are used in place when their last two axes have a unit stride on one side
 * (row- or column-major with any leading dimension), so permuted and sliced operands are not
 * copied; anything else is copied once.
 */
final class BlasGemm {

    private BlasGemm() {
    }

    /** Whether {@link #multiply} handles this element type. */
    static boolean supports(DataType type) {
        return type == DataType.FLOAT || type == DataType.DOUBLE;
    }

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c} over the last two axes, for every index of the leading
     * (batch) axes, which all three arrays share.
     *
     * @param a      {@code [..., M, K]}, or {@code [..., K, M]} when {@code transA}
     * @param b      {@code [..., K, N]}, or {@code [..., N, K]} when {@code transB}
     * @param c      {@code [..., M, N]}, written in place; any layout BLAS accepts
     */
    static void multiply(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        int r = a.rank();
        Operand opA = Operand.of(a, transA);
        Operand opB = Operand.of(b, transB);
        Operand opC = Operand.of(c, false);
        if (opC.transposed) {
            // C column-major: compute Cᵀ = op(B)ᵀ·op(A)ᵀ into it, row-major
            Operand swappedA = opB.flip();
            Operand swappedB = opA.flip();
            opA = swappedA;
            opB = swappedB;
        }
        int m = (int) c.size(opC.transposed ? r - 1 : r - 2);
        int n = (int) c.size(opC.transposed ? r - 2 : r - 1);
        int k = (int) (transA ? a.size(r - 2) : a.size(r - 1));
        int batches = 1;
        for (int i = 0; i < r - 2; i++) {
            batches *= (int) c.size(i);
        }
        boolean isFloat = c.dataType() == DataType.FLOAT;
        long[] index = new long[Math.max(0, r - 2)];
        for (int batch = 0; batch < batches; batch++) {
            long offA = opA.batchOffset(index);
            long offB = opB.batchOffset(index);
            long offC = opC.batchOffset(index);
            if (isFloat) {
                openblas_nolapack.cblas_sgemm(CblasRowMajor, opA.blasTrans(), opB.blasTrans(), m, n, k, (float) alpha,
                        opA.floats().position(offA), opA.ld, opB.floats().position(offB), opB.ld, (float) beta,
                        opC.floats().position(offC), opC.ld);
            } else {
                openblas_nolapack.cblas_dgemm(CblasRowMajor, opA.blasTrans(), opB.blasTrans(), m, n, k, alpha,
                        opA.doubles().position(offA), opA.ld, opB.doubles().position(offB), opB.ld, beta,
                        opC.doubles().position(offC), opC.ld);
            }
            next(index, c);
        }
    }

    /** Advances a row-major index over the leading axes of {@code c}. */
    private static void next(long[] index, INDArray c) {
        for (int i = index.length - 1; i >= 0; i--) {
            if (++index[i] < c.size(i)) {
                return;
            }
            index[i] = 0;
        }
    }

    /**
     * One operand as BLAS sees it: its memory, whether it is read transposed, and its leading
     * dimension. An array whose last two axes are neither row- nor column-major is copied.
     */
    private static final class Operand {
        final INDArray array;
        final long[] stride;
        final boolean transposed;
        final int ld;

        private Operand(INDArray array, boolean transposed, int ld) {
            this.array = array;
            this.stride = array.stride();
            this.transposed = transposed;
            this.ld = ld;
        }

        static Operand of(INDArray x, boolean trans) {
            int r = x.rank();
            long rows = x.size(r - 2);
            long cols = x.size(r - 1);
            long rowStride = x.stride(r - 2);
            long colStride = x.stride(r - 1);
            if ((colStride == 1 || cols == 1) && (rowStride >= Math.max(1, cols) || rows == 1)) {
                return new Operand(x, trans, (int) Math.max(rows == 1 ? cols : rowStride, 1));
            }
            if ((rowStride == 1 || rows == 1) && (colStride >= Math.max(1, rows) || cols == 1)) {
                return new Operand(x, !trans, (int) Math.max(cols == 1 ? rows : colStride, 1));
            }
            return of(x.dup('c'), trans);
        }

        Operand flip() {
            return new Operand(array, !transposed, ld);
        }

        int blasTrans() {
            return transposed ? CblasTrans : CblasNoTrans;
        }

        long batchOffset(long[] index) {
            long offset = 0;
            for (int i = 0; i < index.length; i++) {
                offset += index[i] * stride[i];
            }
            return offset;
        }

        FloatPointer floats() {
            return (FloatPointer) array.data().addressPointer();
        }

        DoublePointer doubles() {
            return (DoublePointer) array.data().addressPointer();
        }
    }
}
