package org.decoder4j.tensor.cpu;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_matmul_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_strides;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_set_data_handle;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_sum;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_output_scales;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix products through oneDNN's matmul primitive, float32 or bfloat16 operands, float32 or
 * bfloat16 result, 2-D or batched, on the arrays' own memory.
 *
 * <p>A primitive is made (and JIT-compiled by oneDNN, about a millisecond) once per shape, layout,
 * type and thread, and kept: a training step multiplies the same few dozen shapes every time. Each
 * call then points the primitive's memory objects at the arrays and executes it. Operand layouts
 * are strides (a transposed operand is read in place, as with BLAS), so permuted attention heads
 * and sliced rows are not copied. A product is split across cores: a batch by matrices of its first
 * batch axis; one matrix along the longer side of C, so that the operand every part reads whole
 * (and oneDNN repacks in each part) is the smaller one. A bfloat16 result is written in parts of
 * at most {@link #LOW_RESULT_PART} elements each: oneDNN's gemm kernels sum it in a float32 buffer
 * the size of the part, which for the whole result would be as large as a float32 result.
 *
 * <p>For autocast, a product can also add a row to its float32 sums (a linear layer's bias, in the
 * primitive, before the result is rounded to its type), and round a float32 result to bfloat16
 * values, part by part where the parts are rows or matrices, each by the thread that just wrote it.
 *
 * <pre>{@code
 * OneDnnMatmul.multiply(a, false, b, true, c, 1.0, 0.0);                 // c = a·bᵀ
 * OneDnnMatmul.multiplyRoundedToBfloat16(a, false, b, false, c);         // c = a·b, bfloat16 values in float32
 * OneDnnMatmul.multiplyPlusRow(x, false, w, true, bias, y, true);         // y = x·wᵀ + bias, rounded once
 * }</pre>
 */
public final class OneDnnMatmul {

    /** Below this many floating-point operations per range, a product stays on one thread. */
    private static final double SPLIT_FLOPS = 2e6;
    /** The most elements of a bfloat16 result one primitive call writes (a 4 MB float32 buffer). */
    private static final int LOW_RESULT_PART = 1 << 20;
    private static final ThreadLocal<Map<Layout, Kernel>> KERNELS = ThreadLocal.withInitial(HashMap::new);

    private OneDnnMatmul() {
    }

    /** Whether products of {@code operands} into {@code result} run here. */
    public static boolean supports(DataType operands, DataType result) {
        return OneDnn.isAvailable()
                && (operands == DataType.FLOAT || operands == DataType.BFLOAT16 && OneDnn.hasNativeBfloat16())
                && (result == DataType.FLOAT || result == DataType.BFLOAT16);
    }

    /**
     * {@code c = alpha·op(a)·op(b) + beta·c} over the last two axes, for every index of the leading
     * (batch) axes, which all three arrays share. {@code a} and {@code b} have one type (float32 or
     * bfloat16); sums run in float32 and are rounded to {@code c}'s type.
     *
     * @param a {@code [..., M, K]}, or {@code [..., K, M]} when {@code transA}
     * @param b {@code [..., K, N]}, or {@code [..., N, K]} when {@code transB}
     * @param c {@code [..., M, N]}, written in place; row- or column-major in its last two axes
     */
    public static void multiply(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c, double alpha, double beta) {
        multiply(a, transA, b, transB, null, c, alpha, beta, false);
    }

    /**
     * {@code c = op(a)·op(b)} with float32 sums rounded to the values bfloat16 holds (to nearest,
     * ties to even), kept in the dense float32 {@code c}: autocast's product for an op that reads
     * float32. Where the product is split by rows or by matrices, each part is rounded by the
     * thread that wrote it, right after, instead of in a second pass split across cores; a product
     * split by columns is rounded whole after (its parts are strided).
     *
     * @param a {@code [..., M, K]}, or {@code [..., K, M]} when {@code transA}
     * @param b {@code [..., K, N]}, or {@code [..., N, K]} when {@code transB}
     * @param c {@code [..., M, N]}, dense float32 in C order, written in place
     */
    public static void multiplyRoundedToBfloat16(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        if (!FloatMemory.isDenseFloatOfAnyLength(c)) {
            throw new IllegalArgumentException("a product rounded in parts needs a dense float32 result, got "
                    + c.shapeInfoToString());
        }
        multiply(a, transA, b, transB, null, c, 1.0, 0.0, true);
    }

    /**
     * A linear layer's {@code c = a·op(b) + bias}, the bias added to each row's float32 sums before
     * they are rounded once to {@code c}'s type: a bfloat16 {@code c}, or with
     * {@code roundToBfloat16} a dense float32 one holding bfloat16 values, or else plain float32 sums.
     *
     * @param a    {@code [M, K]}, or {@code [K, M]} when {@code transA}
     * @param b    {@code [K, N]}, or {@code [N, K]} when {@code transB}
     * @param bias {@code [N]}, dense float32
     * @param c    {@code [M, N]}, C order, written in place
     */
    public static void multiplyPlusRow(INDArray a, boolean transA, INDArray b, boolean transB, INDArray bias, INDArray c,
                                       boolean roundToBfloat16) {
        if (c.rank() != 2 || !FloatMemory.isDense(c) || bias.length() != c.size(1)
                || !FloatMemory.isDenseFloatOfAnyLength(bias)
                || roundToBfloat16 && c.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("a product plus a row needs a dense [M, N] result and a dense float32 [N] "
                    + "row, got " + c.shapeInfoToString() + " and " + bias.shapeInfoToString());
        }
        multiply(a, transA, b, transB, bias, c, 1.0, 0.0, roundToBfloat16);
    }

    private static void multiply(INDArray a, boolean transA, INDArray b, boolean transB, INDArray bias, INDArray c,
                                 double alpha, double beta, boolean round) {
        int r = c.rank();
        ProductOperands operands = ProductOperands.of(a, transA, b, transB, c);
        int m = operands.m();
        int n = operands.n();
        int k = operands.k();
        long[] batch = Arrays.copyOf(c.shape(), r - 2);
        Product product = new Product(operands.a(), operands.b(), operands.c(), bias == null ? 0
                : bias.data().addressPointer().address(), batch, m, n, k, (float) alpha, (float) beta);
        long cAddress = operands.c().address();
        double flopsPerMatrix = 2.0 * m * n * k;
        int splitAxis = firstLongAxis(batch);
        if (splitAxis >= 0) {
            long matricesPerIndex = 1;
            for (int i = 0; i < batch.length; i++) {
                matricesPerIndex *= i == splitAxis ? 1 : batch[i];
            }
            int minIndices = (int) Math.max(1, Math.ceil(SPLIT_FLOPS / Math.max(1, flopsPerMatrix * matricesPerIndex)));
            long perIndex = round ? c.stride(splitAxis) : 0;                   // dense: indices [from, to) are one run
            CoreParallel.forRanges((int) batch[splitAxis], minIndices, (part, from, to) -> {
                product.run(splitAxis, from, to, 0, m, 0, n);
                if (round) {
                    OneDnnCast.roundInPlace(cAddress + from * perIndex * Float.BYTES, (to - from) * perIndex);
                }
            });
        } else if (m >= n) {
            // by rows of C: each part reads all of op(B), so split the longer side of C
            int minRows = (int) Math.max(1, Math.ceil(SPLIT_FLOPS / Math.max(1, flopsPerMatrix / Math.max(1, m))));
            int step = rowsOrColumnsPerCall(c, m, n);
            CoreParallel.forRanges(m, minRows, (part, from, to) -> {
                for (int first = from; first < to; first += step) {
                    product.run(-1, 0, 0, first, Math.min(to, first + step), 0, n);
                }
                if (round) {
                    OneDnnCast.roundInPlace(cAddress + (long) from * n * Float.BYTES, (long) (to - from) * n);
                }
            });
        } else {
            // by columns of C: each part reads all of op(A) and only its columns of op(B)
            int minColumns = (int) Math.max(1, Math.ceil(SPLIT_FLOPS / Math.max(1, flopsPerMatrix / Math.max(1, n))));
            int step = rowsOrColumnsPerCall(c, n, m);
            CoreParallel.forRanges(n, minColumns, (part, from, to) -> {
                for (int first = from; first < to; first += step) {
                    product.run(-1, 0, 0, 0, m, first, Math.min(to, first + step));
                }
            });
            if (round) {
                OneDnnCast.roundToBfloat16InPlace(c);       // a part's columns are strided: rounded whole, after
            }
        }
    }

    /**
     * How many of the {@code count} rows (or columns) of a matrix C, each {@code length} long, one
     * primitive call writes: all of them for a float32 result, at most {@link #LOW_RESULT_PART}
     * elements' worth for a bfloat16 one.
     */
    private static int rowsOrColumnsPerCall(INDArray c, int count, int length) {
        return c.dataType() == DataType.BFLOAT16 ? Math.max(1, LOW_RESULT_PART / Math.max(1, length)) : Math.max(1, count);
    }

    /** The first leading axis longer than 1, or -1. */
    private static int firstLongAxis(long[] batch) {
        for (int i = 0; i < batch.length; i++) {
            if (batch[i] > 1) {
                return i;
            }
        }
        return -1;
    }

    /** One product's operands and sizes, and how to run a part of it. */
    private record Product(MatrixOperand a, MatrixOperand b, MatrixOperand c, long biasAddress, long[] batch, int m,
                           int n, int k, float alpha, float beta) {

        /**
         * Runs indices {@code [from, to)} of batch axis {@code axis} (all of it when {@code axis < 0}),
         * rows {@code [rowFrom, rowTo)} and columns {@code [colFrom, colTo)} of each matrix of C.
         */
        void run(int axis, int from, int to, int rowFrom, int rowTo, int colFrom, int colTo) {
            int rank = batch.length + 2;
            long[] dims = new long[rank];
            for (int i = 0; i < batch.length; i++) {
                dims[i] = i == axis ? to - from : batch[i];
            }
            long[] srcDims = dims.clone();
            long[] weightDims = dims.clone();
            long[] dstDims = dims.clone();
            int rows = rowTo - rowFrom;
            int cols = colTo - colFrom;
            srcDims[rank - 2] = rows;
            srcDims[rank - 1] = k;
            weightDims[rank - 2] = k;
            weightDims[rank - 1] = cols;
            dstDims[rank - 2] = rows;
            dstDims[rank - 1] = cols;
            long[] srcStrides = strides(a, rank);
            long[] weightStrides = strides(b, rank);
            long[] dstStrides = strides(c, rank);
            long srcOffset = rowFrom * srcStrides[rank - 2];
            long weightOffset = colFrom * weightStrides[rank - 1];
            long dstOffset = rowFrom * dstStrides[rank - 2] + colFrom * dstStrides[rank - 1];
            if (axis >= 0) {
                srcOffset += from * srcStrides[axis];
                weightOffset += from * weightStrides[axis];
                dstOffset += from * dstStrides[axis];
            }
            Layout layout = new Layout(type(a.array), type(c.array), srcDims, srcStrides, weightDims, weightStrides,
                    dstDims, dstStrides, alpha, beta, biasAddress != 0);
            Kernel kernel = KERNELS.get().computeIfAbsent(layout, Kernel::create);
            kernel.execute(a.address() + srcOffset * a.array.dataType().width(),
                    b.address() + weightOffset * b.array.dataType().width(),
                    c.address() + dstOffset * c.array.dataType().width(),
                    biasAddress + (long) colFrom * Float.BYTES);
        }

        /** Strides of all axes of op(x) as oneDNN reads it: batch axes from the array, then the matrix's. */
        private static long[] strides(MatrixOperand x, int rank) {
            long[] s = new long[rank];
            System.arraycopy(x.stride, 0, s, 0, rank - 2);
            long[] matrix = x.matrixStrides();
            s[rank - 2] = matrix[0];
            s[rank - 1] = matrix[1];
            return s;
        }

        private static int type(INDArray x) {
            return x.dataType() == DataType.BFLOAT16 ? dnnl_bf16 : dnnl_f32;
        }
    }

    /** Everything a primitive is specialised for: types, dimensions, strides, the two scalars, a bias row or none. */
    private record Layout(int operandType, int resultType, long[] srcDims, long[] srcStrides, long[] weightDims,
                          long[] weightStrides, long[] dstDims, long[] dstStrides, float alpha, float beta,
                          boolean bias) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Layout l && operandType == l.operandType && resultType == l.resultType
                    && alpha == l.alpha && beta == l.beta && bias == l.bias
                    && Arrays.equals(srcDims, l.srcDims) && Arrays.equals(srcStrides, l.srcStrides)
                    && Arrays.equals(weightDims, l.weightDims) && Arrays.equals(weightStrides, l.weightStrides)
                    && Arrays.equals(dstDims, l.dstDims) && Arrays.equals(dstStrides, l.dstStrides);
        }

        @Override
        public int hashCode() {
            int h = 31 * operandType + resultType + (bias ? 17 : 0);
            h = 31 * h + Float.hashCode(alpha) * 7 + Float.hashCode(beta);
            h = 31 * h + Arrays.hashCode(srcDims);
            h = 31 * h + Arrays.hashCode(srcStrides);
            h = 31 * h + Arrays.hashCode(weightDims);
            h = 31 * h + Arrays.hashCode(weightStrides);
            h = 31 * h + Arrays.hashCode(dstStrides);
            return h;
        }
    }

    /** A compiled primitive with its memory objects, re-pointed at new arrays on every call. */
    private record Kernel(dnnl_primitive primitive, dnnl_memory src, dnnl_memory weights, dnnl_memory dst,
                          dnnl_memory bias, dnnl_exec_arg_t args, OneDnn.Address address) {

        static Kernel create(Layout l) {
            dnnl_memory_desc_t srcDesc = desc(l.srcDims, l.operandType, l.srcStrides);
            dnnl_memory_desc_t weightDesc = desc(l.weightDims, l.operandType, l.weightStrides);
            dnnl_memory_desc_t dstDesc = desc(l.dstDims, l.resultType, l.dstStrides);
            long columns = l.dstDims[l.dstDims.length - 1];
            dnnl_memory_desc_t biasDesc = l.bias ? desc(new long[] {1, columns}, dnnl_f32, new long[] {columns, 1}) : null;
            dnnl_matmul_desc_t matmul = new dnnl_matmul_desc_t();
            OneDnn.check(dnnl_matmul_desc_init(matmul, srcDesc, weightDesc, biasDesc, dstDesc), "matmul_desc_init");
            dnnl_primitive_attr attr = new dnnl_primitive_attr();
            OneDnn.check(dnnl_primitive_attr_create(attr), "primitive_attr_create");
            if (l.alpha != 1f) {
                OneDnn.check(dnnl_primitive_attr_set_output_scales(attr, 1, 0, new float[] {l.alpha}), "set_output_scales");
            }
            if (l.beta != 0f) {
                dnnl_post_ops ops = new dnnl_post_ops();
                OneDnn.check(dnnl_post_ops_create(ops), "post_ops_create");
                OneDnn.check(dnnl_post_ops_append_sum(ops, l.beta), "post_ops_append_sum");
                OneDnn.check(dnnl_primitive_attr_set_post_ops(attr, ops), "set_post_ops");
            }
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            OneDnn.check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(matmul), attr, OneDnn.engine(), null),
                    "matmul primitive_desc_create");
            dnnl_primitive primitive = new dnnl_primitive();
            OneDnn.check(dnnl_primitive_create(primitive, pd), "primitive_create");
            OneDnn.Address placeholder = new OneDnn.Address();
            dnnl_memory src = memory(srcDesc, placeholder);
            dnnl_memory weights = memory(weightDesc, placeholder);
            dnnl_memory dst = memory(dstDesc, placeholder);
            dnnl_memory bias = l.bias ? memory(biasDesc, placeholder) : null;
            dnnl_exec_arg_t args = new dnnl_exec_arg_t(l.bias ? 4 : 3);
            args.position(0).arg(DNNL_ARG_SRC).memory(src);
            args.position(1).arg(DNNL_ARG_WEIGHTS).memory(weights);
            args.position(2).arg(DNNL_ARG_DST).memory(dst);
            if (l.bias) {
                args.position(3).arg(DNNL_ARG_BIAS).memory(bias);
            }
            args.position(0);
            return new Kernel(primitive, src, weights, dst, bias, args, placeholder);
        }

        void execute(long srcAddress, long weightAddress, long dstAddress, long biasAddress) {
            OneDnn.check(dnnl_memory_set_data_handle(src, address.at(srcAddress)), "memory_set_data_handle");
            OneDnn.check(dnnl_memory_set_data_handle(weights, address.at(weightAddress)), "memory_set_data_handle");
            OneDnn.check(dnnl_memory_set_data_handle(dst, address.at(dstAddress)), "memory_set_data_handle");
            if (bias != null) {
                OneDnn.check(dnnl_memory_set_data_handle(bias, address.at(biasAddress)), "memory_set_data_handle");
            }
            OneDnn.check(dnnl_primitive_execute(primitive, OneDnn.stream(), bias != null ? 4 : 3, args), "matmul execute");
        }

        private static dnnl_memory_desc_t desc(long[] dims, int type, long[] strides) {
            dnnl_memory_desc_t d = new dnnl_memory_desc_t();
            OneDnn.check(dnnl_memory_desc_init_by_strides(d, dims.length, dims, type, strides), "memory_desc_init");
            return d;
        }

        private static dnnl_memory memory(dnnl_memory_desc_t desc, OneDnn.Address placeholder) {
            dnnl_memory memory = new dnnl_memory();
            OneDnn.check(dnnl_memory_create(memory, desc, OneDnn.engine(), placeholder.at(0)), "memory_create");
            return memory;
        }
    }
}
