package org.decoder4j.tensor.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float32 and float64 matrix products straight through BLAS {@code gemm} on the arrays' memory.
 *
 * <p>ND4J's {@code matmul} op builds a native op context for every call (tens of microseconds, and
 * more when its BLAS threads wake), which at the sizes of a small training step cost as much as
 * the product itself. Here each product is one {@code cblas_?gemm} call; a batched product is one
 * call per matrix. Views are used in place when their last two axes have a unit stride on one side
 * (row- or column-major with any leading dimension), so permuted and sliced operands are not
 * copied; anything else is copied once.
 *
 * <p>BLAS itself runs on one thread; a product is split across cores by {@link CoreParallel}, by
 * rows of C for one matrix and by matrices for a batch. OpenBLAS's own threads, woken for every
 * call, spent half of a small model's product time waiting for each other.
 */
public final class BlasGemm {

    /**
     * Products smaller than this many floating-point operations per range stay on one thread: below
     * it, handing work to another core costs more than it saves.
     */
    private static final double SPLIT_FLOPS = 2e6;

    static {
        if (FloatMemory.isHostMemory()) {
            // we split across cores ourselves; with one thread asked for, OpenBLAS's idle worker
            // would otherwise spin on the second core after every call
            Nd4j.factory().blas().setMaxThreads(1);
        }
    }

    private BlasGemm() {
    }

    /** Whether {@link #multiply} handles this element type (on ND4J's CPU backend only). */
    public static boolean supports(DataType type) {
        return (type == DataType.FLOAT || type == DataType.DOUBLE) && FloatMemory.isHostMemory();
    }

    /**
     * {@code y = A·x}, or {@code y = Aᵀ·x} when {@code transposed}, for the float32 row-major matrix
     * {@code A [rows, cols]} (leading dimension {@code cols}) at {@code a}'s position and dense vectors
     * at {@code x}'s and {@code y}'s. Large products are split across cores by elements of y.
     */
    public static void matrixVector(FloatPointer a, int rows, int cols, boolean transposed, FloatPointer x, FloatPointer y) {
        int outLength = transposed ? cols : rows;
        int minPerRange = (int) Math.max(1, SPLIT_FLOPS / (2.0 * (transposed ? rows : cols)));
        CoreParallel.forRanges(outLength, minPerRange, (part, from, to) -> {
            if (transposed) {
                // columns from…to−1 of A: y[from…to) = A[:, from…to)ᵀ·x
                openblas_nolapack.cblas_sgemv(CblasRowMajor, CblasTrans, rows, to - from, 1f,
                        a.getPointer(from), cols, x, 1, 0f, y.getPointer(from), 1);
            } else {
                // rows from…to−1 of A: y[from…to) = A[from…to, :]·x
                openblas_nolapack.cblas_sgemv(CblasRowMajor, CblasNoTrans, to - from, cols, 1f,
                        a.getPointer((long) from * cols), cols, x, 1, 0f, y.getPointer(from), 1);
            }
        });
    }

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c} over the last two axes, for every index of the leading
     * (batch) axes, which all three arrays share.
     *
     * @param a      {@code [..., M, K]}, or {@code [..., K, M]} when {@code transA}
     * @param b      {@code [..., K, N]}, or {@code [..., N, K]} when {@code transB}
     * @param c      {@code [..., M, N]}, written in place; any layout BLAS accepts
     */
    public static void multiply(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        int r = c.rank();
        ProductOperands operands = ProductOperands.of(a, transA, b, transB, c);
        int m = operands.m();
        int n = operands.n();
        int k = operands.k();
        int batches = 1;
        for (int i = 0; i < r - 2; i++) {
            batches *= (int) c.size(i);
        }
        double flopsPerMatrix = 2.0 * m * n * k;
        Product product = new Product(operands.a(), operands.b(), operands.c(), c.shape(), n, k, alpha, beta);
        if (batches > 1) {
            int minBatches = (int) Math.max(1, Math.ceil(SPLIT_FLOPS / Math.max(1, flopsPerMatrix)));
            CoreParallel.forRanges(batches, minBatches, (part, from, to) -> {
                for (int batch = from; batch < to; batch++) {
                    product.rows(batch, 0, m);
                }
            });
        } else {
            int minRows = (int) Math.max(1, Math.ceil(SPLIT_FLOPS / Math.max(1, flopsPerMatrix / Math.max(1, m))));
            CoreParallel.forRanges(m, minRows, (part, from, to) -> product.rows(0, from, to));
        }
    }

    /** The operands of one call, and how to run rows {@code [from, to)} of one matrix of C. */
    private record Product(MatrixOperand a, MatrixOperand b, MatrixOperand c, long[] shape, int n, int k, double alpha, double beta) {

        void rows(int batch, int from, int to) {
            long[] index = new long[shape.length - 2];
            long rest = batch;
            for (int i = index.length - 1; i >= 0; i--) {
                index[i] = rest % shape[i];
                rest /= shape[i];
            }
            // rows of C (and of op(A)): whole rows of C, rows or columns of A as A is read
            long offA = a.batchOffset(index) + (long) from * (a.transposed ? 1 : a.ld);
            long offB = b.batchOffset(index);
            long offC = c.batchOffset(index) + (long) from * c.ld;
            int m = to - from;
            if (m == 1) {
                // one row of C: Cᵀ = op(B)ᵀ·(row of op(A)) as a matrix-vector product; gemm would
                // pack all of B for a single row (that made cached generation slower than none)
                rowTimesMatrix(offA, offB, offC);
                return;
            }
            if (n == 1) {
                // one column of C: op(A)·(column of op(B))
                matrixTimesColumn(offA, offB, offC, m);
                return;
            }
            if (c.array.dataType() == DataType.FLOAT) {
                openblas_nolapack.cblas_sgemm(CblasRowMajor, a.blasTrans(), b.blasTrans(), m, n, k, (float) alpha,
                        a.floats().position(offA), a.ld, b.floats().position(offB), b.ld, (float) beta,
                        c.floats().position(offC), c.ld);
            } else {
                openblas_nolapack.cblas_dgemm(CblasRowMajor, a.blasTrans(), b.blasTrans(), m, n, k, alpha,
                        a.doubles().position(offA), a.ld, b.doubles().position(offB), b.ld, beta,
                        c.doubles().position(offC), c.ld);
            }
        }

        /** {@code c[0, :] = alpha·op(a)[0, :]·op(b) + beta·c[0, :]}. */
        private void rowTimesMatrix(long offA, long offB, long offC) {
            // op(B) is k×n; stored row-major as B (k×n, read transposed) or Bᵀ (n×k, read as is)
            int trans = b.transposed ? CblasNoTrans : CblasTrans;
            int rows = b.transposed ? n : k;
            int cols = b.transposed ? k : n;
            int incX = a.transposed ? a.ld : 1;                                 // a row of op(A)
            gemv(trans, rows, cols, b, offB, a, offA, incX, offC, 1);
        }

        /** {@code c[:, 0] = alpha·op(a)·op(b)[:, 0] + beta·c[:, 0]}. */
        private void matrixTimesColumn(long offA, long offB, long offC, int m) {
            int trans = a.transposed ? CblasTrans : CblasNoTrans;
            int rows = a.transposed ? k : m;
            int cols = a.transposed ? m : k;
            int incX = b.transposed ? 1 : b.ld;                                 // a column of op(B)
            gemv(trans, rows, cols, a, offA, b, offB, incX, offC, c.ld);
        }

        private void gemv(int trans, int rows, int cols, MatrixOperand matrix, long offMatrix, MatrixOperand vector,
                          long offVector, int incX, long offC, int incY) {
            if (c.array.dataType() == DataType.FLOAT) {
                openblas_nolapack.cblas_sgemv(CblasRowMajor, trans, rows, cols, (float) alpha,
                        matrix.floats().position(offMatrix), matrix.ld, vector.floats().position(offVector), incX,
                        (float) beta, c.floats().position(offC), incY);
            } else {
                openblas_nolapack.cblas_dgemv(CblasRowMajor, trans, rows, cols, alpha,
                        matrix.doubles().position(offMatrix), matrix.ld, vector.doubles().position(offVector), incX,
                        beta, c.doubles().position(offC), incY);
            }
        }
    }
}
