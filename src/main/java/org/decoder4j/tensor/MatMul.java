package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.BlasGemm;
import org.decoder4j.tensor.cpu.OneDnnCast;
import org.decoder4j.tensor.cpu.OneDnnMatmul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Matrix products op(A)·op(B) over the last two axes, with their gradients: the one place that
 * chooses a product's kernel.
 *
 * <p>Float32 and bfloat16 products, 2-D or batched ({@code [..., M, K]}), run on oneDNN's matmul
 * ({@link OneDnnMatmul}) where it loaded; float64 products, and float32 where it did not, go
 * straight to BLAS {@code gemm} ({@link BlasGemm}); anything else uses ND4J's {@code matmul} custom
 * op. Transposes are flags to the kernel, never materialised copies.
 */
final class MatMul {

    private MatMul() {
    }

    /**
     * C = op(a)·op(b), a new C-ordered array; inside an {@link Autocast} scope float32 products
     * (and those of bfloat16 operands kept for products) run in its low precision, returned as
     * float32. Outside one, a bfloat16 operand beside a float32 one is widened, exactly.
     */
    static INDArray product(INDArray a, boolean transA, INDArray b, boolean transB) {
        return product(Autocast.current(), a, transA, b, transB);
    }

    /**
     * C = op(a)·op(b) as {@link #product(INDArray, boolean, INDArray, boolean)} computes it, for a
     * result that only {@code readers} read: where {@link Autocast#keepsLow} keeps it in bfloat16,
     * the product writes it so, rounded once, with no float32 array of its size.
     */
    static INDArray product(INDArray a, boolean transA, INDArray b, boolean transB, OutputReaders readers) {
        Autocast scope = Autocast.current();
        if (!Autocast.keepsLow(readers) || !isAutocast(a) || !isAutocast(b)) {
            return product(scope, a, transA, b, transB);
        }
        INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, resultShape(a, transA, b, transB));
        scope.productInto(a, transA, b, transB, low, low);
        return low;
    }

    /**
     * C = op(a)·op(b) as inside {@code autocast} (null: none), whether or not that scope is still the
     * current one: for a backward pass that must repeat a forward product exactly.
     */
    static INDArray product(Autocast autocast, INDArray a, boolean transA, INDArray b, boolean transB) {
        if (autocast != null && isAutocast(a) && isAutocast(b)) {
            return autocast.product(a, transA, b, transB);
        }
        if (a.dataType() != b.dataType() && isAutocast(a) && isAutocast(b)) {
            return exact(a.castTo(DataType.FLOAT), transA, b.castTo(DataType.FLOAT), transB);  // bfloat16 is exact in float32
        }
        return exact(a, transA, b, transB);
    }

    /**
     * Whether an autocast scope multiplies {@code x}: float32, or bfloat16 that an op kept for
     * products ({@link OutputReaders#PRODUCTS_ONLY}).
     */
    static boolean isAutocast(INDArray x) {
        return x.dataType() == DataType.FLOAT || x.dataType() == DataType.BFLOAT16;
    }

    /**
     * op(a)·op(b) as {@link #product(Autocast, INDArray, boolean, INDArray, boolean)} computes it,
     * written into {@code target}, a view with any strides over all of the array {@code whole}
     * (which may be rounded as a whole afterwards): a product whose result goes straight into
     * another layout, with no copy.
     */
    static void productInto(Autocast autocast, INDArray a, boolean transA, INDArray b, boolean transB,
                            INDArray target, INDArray whole) {
        if (autocast != null && isAutocast(a) && isAutocast(b)) {
            autocast.productInto(a, transA, b, transB, target, whole);
        } else if (hasKernel(a.dataType(), b.dataType(), target.dataType())) {
            into(a, transA, b, transB, target, 1.0, 0.0);
        } else {
            target.assign(exact(a, transA, b, transB));
        }
    }

    /** C = op(a)·op(b) in the operands' own type. */
    static INDArray exact(INDArray a, boolean transA, INDArray b, boolean transB) {
        long[] shape = resultShape(a, transA, b, transB);
        INDArray c = Nd4j.createUninitialized(a.dataType(), shape);
        if (hasKernel(a.dataType(), b.dataType(), a.dataType())) {
            into(a, transA, b, transB, c, 1.0, 0.0);
            return c;
        }
        Nd4j.exec(DynamicCustomOp.builder("matmul")
                .addInputs(a, b)
                .addOutputs(c)
                .addIntegerArguments(transA ? 1 : 0, transB ? 1 : 0)
                .build());
        return c;
    }

    /**
     * The shape of op(a)·op(b): the batch axes, then M and N.
     *
     * @throws IllegalArgumentException if the ranks, inner sizes or batch sizes do not agree
     */
    static long[] resultShape(INDArray a, boolean transA, INDArray b, boolean transB) {
        int r = a.rank();
        if (r < 2 || b.rank() != r) {
            throw new IllegalArgumentException("matmul needs two arrays of equal rank >= 2, got shapes "
                    + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
        }
        long m = a.size(transA ? r - 1 : r - 2);
        long k = a.size(transA ? r - 2 : r - 1);
        long kb = b.size(transB ? r - 1 : r - 2);
        long n = b.size(transB ? r - 2 : r - 1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul inner dimensions differ: " + java.util.Arrays.toString(a.shape())
                    + (transA ? "ᵀ" : "") + " · " + java.util.Arrays.toString(b.shape()) + (transB ? "ᵀ" : ""));
        }
        long[] shape = a.shape().clone();
        for (int i = 0; i < r - 2; i++) {
            if (a.size(i) != b.size(i)) {
                throw new IllegalArgumentException("matmul batch dimensions differ: "
                        + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
            }
        }
        shape[r - 2] = m;
        shape[r - 1] = n;
        return shape;
    }

    /** Whether {@link #into} multiplies these types on a fast kernel (oneDNN or BLAS). */
    static boolean hasKernel(DataType a, DataType b, DataType c) {
        return a == b && (OneDnnMatmul.supports(a, c) || BlasGemm.supports(a) && c == a);
    }

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c} in place, on oneDNN or BLAS; only for types that
     * {@link #hasKernel} accepts.
     */
    static void into(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        if (OneDnnMatmul.supports(a.dataType(), c.dataType()) && !isMatrixVector(c)) {
            OneDnnMatmul.multiply(a, transA, b, transB, c, alpha, beta);
        } else {
            BlasGemm.multiply(a, transA, b, transB, c, alpha, beta);
        }
    }

    /**
     * {@code c = op(a)·op(b)} of bfloat16 operands, its float32 sums rounded to bfloat16 values and
     * kept in the dense float32 {@code c}: on oneDNN with each part rounded by the thread that wrote
     * it, or (a single row or column) multiplied first and rounded after.
     */
    static void intoRoundedToBfloat16(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        if (OneDnnMatmul.supports(a.dataType(), c.dataType()) && !isMatrixVector(c)) {
            OneDnnMatmul.multiplyRoundedToBfloat16(a, transA, b, transB, c);
        } else {
            into(a, transA, b, transB, c, 1.0, 0.0);
            OneDnnCast.roundToBfloat16InPlace(c);
        }
    }

    /**
     * Whether {@link #intoPlusRowRoundedOnce} multiplies bfloat16 operands into a {@code c} of this
     * many rows and columns: on oneDNN, and not a single row or column.
     */
    static boolean addsRowInProduct(long rows, long columns) {
        return OneDnnMatmul.supports(DataType.BFLOAT16, DataType.FLOAT) && rows > 1 && columns > 1;
    }

    /**
     * A linear layer's {@code c = a·op(b) + row} of bfloat16 operands, the row added to the float32
     * sums, which are then rounded once: to a bfloat16 {@code c}, or to bfloat16 values in a float32
     * one. Only where {@link #addsRowInProduct} says so.
     */
    static void intoPlusRowRoundedOnce(INDArray a, boolean transA, INDArray b, boolean transB, INDArray row, INDArray c) {
        OneDnnMatmul.multiplyPlusRow(a, transA, b, transB, row, c, c.dataType() == DataType.FLOAT);
    }

    /**
     * Whether C has a single row or column: a float32 matrix-vector product, which BLAS's
     * {@code gemv} does without oneDNN's fixed cost per call and per new shape (generation with the
     * key/value cache multiplies one row by a cache that grows by a row per token).
     */
    private static boolean isMatrixVector(INDArray c) {
        int r = c.rank();
        return c.dataType() == DataType.FLOAT && (c.size(r - 2) == 1 || c.size(r - 1) == 1);
    }

    /**
     * Gradients of C = op(A)·op(B).
     *
     * <pre>
     * C = A·B     dA = dC·Bᵀ    dB = Aᵀ·dC
     * C = A·Bᵀ    dA = dC·B     dB = dCᵀ·A
     * C = Aᵀ·B    dA = B·dCᵀ    dB = A·dC
     * C = Aᵀ·Bᵀ   dA = Bᵀ·dCᵀ   dB = dCᵀ·Aᵀ
     * </pre>
     */
    static INDArray[] backward(INDArray dc, INDArray a, boolean transA, INDArray b, boolean transB,
                               boolean needA, boolean needB) {
        INDArray da = null;
        INDArray db = null;
        if (needA) {
            da = transA ? product(b, transB, dc, true) : product(dc, false, b, !transB);
        }
        if (needB) {
            db = transB ? product(dc, true, a, transA) : product(a, !transA, dc, false);
        }
        return new INDArray[] {da, db};
    }
}
