package org.decoder4j.tensor.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One operand of a matrix product as a BLAS-style kernel sees it: its memory, whether it is read
 * transposed, and its leading dimension. Views whose last two axes have a unit stride on one side
 * (row- or column-major with any leading dimension) are used in place; any other array is copied
 * once, C-ordered.
 */
public final class MatrixOperand {
    final INDArray array;
    final long[] stride;
    final boolean transposed;
    final int ld;

    private MatrixOperand(INDArray array, boolean transposed, int ld) {
        this.array = array;
        this.stride = array.stride();
        this.transposed = transposed;
        this.ld = ld;
    }

    /** {@code x} read as op(x), where op transposes when {@code trans}. */
    static MatrixOperand of(INDArray x, boolean trans) {
        int r = x.rank();
        long rows = x.size(r - 2);
        long cols = x.size(r - 1);
        long rowStride = x.stride(r - 2);
        long colStride = x.stride(r - 1);
        if ((colStride == 1 || cols == 1) && (rowStride >= Math.max(1, cols) || rows == 1)) {
            return new MatrixOperand(x, trans, (int) Math.max(rows == 1 ? cols : rowStride, 1));
        }
        if ((rowStride == 1 || rows == 1) && (colStride >= Math.max(1, rows) || cols == 1)) {
            return new MatrixOperand(x, !trans, (int) Math.max(cols == 1 ? rows : colStride, 1));
        }
        return of(x.dup('c'), trans);
    }

    /** The same memory read the other way round: op(x)ᵀ. */
    MatrixOperand flip() {
        return new MatrixOperand(array, !transposed, ld);
    }

    int blasTrans() {
        return transposed ? CblasTrans : CblasNoTrans;
    }

    /** Element offset of the matrix at {@code index} of the leading (batch) axes. */
    long batchOffset(long[] index) {
        long offset = 0;
        for (int i = 0; i < index.length; i++) {
            offset += index[i] * stride[i];
        }
        return offset;
    }

    /**
     * Strides of op(x)'s last two axes, (row of op(x), column of op(x)), in elements: the matrix is
     * stored row-major with leading dimension {@code ld}, read as is or transposed.
     */
    long[] matrixStrides() {
        return transposed ? new long[] {1, ld} : new long[] {ld, 1};
    }

    /** Address of the array's first element. */
    long address() {
        return array.data().addressPointer().address();
    }

    FloatPointer floats() {
        return (FloatPointer) array.data().addressPointer();
    }

    DoublePointer doubles() {
        return (DoublePointer) array.data().addressPointer();
    }
}
