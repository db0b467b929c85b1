package org.decoder4j.tensor;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.decoder4j.tensor.cpu.OneDnnCast;
import org.decoder4j.tensor.cpu.OneDnnMatmul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A scope in which matrix products run in a low precision, as inside PyTorch's
 * {@code torch.autocast}: every float32 product (linear layers, attention scores and weighted
 * sums, the output head, and their gradients) takes low-precision operands and rounds its result
 * to the low precision; everything else — softmax, layer norm, GELU, the loss, reductions, the
 * optimizer — stays in float32, and so do the parameters. The low-precision copy of each
 * parameter is made once per scope (one training step), however often the parameter is used. On
 * native kernels, an op's output that only products read ({@link OutputReaders#PRODUCTS_ONLY}) is
 * kept in bfloat16, the values the products would round it to.
 *
 * <p>Two ways to compute a product: on oneDNN's bfloat16 kernels (on processors with AVX512-BF16
 * or AMX; {@link #hasNativeKernels}), with bfloat16 operands, float32 sums and a bfloat16 result; or
 * emulated: operands rounded to the low precision, the product summed in float32 and rounded back
 * — the same numbers up to the order of the float32 sums, at float32 speed plus the roundings.
 * Float16 is always emulated (no CPU here multiplies it natively).
 *
 * <pre>{@code
 * try (Autocast scope = Autocast.open(DataType.BFLOAT16, model.parameters())) {
 *     Tensor loss = Loss.crossEntropy(model.forward(inputs), targets);
 *     loss.backward();                        // gradients of the products in bfloat16 too
 * }
 * }</pre>
 */
public final class Autocast implements AutoCloseable {

    private static final ThreadLocal<Autocast> CURRENT = new ThreadLocal<>();
    /** Non-parameter operand copies kept for reuse: a backward node's gradient enters two products. */
    private static final int RECENT_COPIES = 3;

    private final DataType lowType;
    private final boolean nativeKernels;
    private final Set<INDArray> parameterValues = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<INDArray, INDArray> parameterCopies = new IdentityHashMap<>();
    /** Recent non-parameter operands and their copies, a ring of {@link #RECENT_COPIES}. */
    private final INDArray[] recentOperands = new INDArray[RECENT_COPIES];
    private final INDArray[] recentCopies = new INDArray[RECENT_COPIES];
    private int nextRecent;
    private final LowPrecisionBuffers buffers = LowPrecisionBuffers.forThread();
    private final Autocast outer;
    private boolean closed;

    private Autocast(DataType lowType, boolean nativeKernels, Collection<Tensor> parameters) {
        this.lowType = lowType;
        this.nativeKernels = nativeKernels;
        parameters.forEach(p -> parameterValues.add(p.value()));
        this.outer = CURRENT.get();
        if (outer == null) {
            buffers.keepOnly(parameterValues);
        }
    }

    /**
     * Opens a scope on this thread until {@link #close()}, with native kernels where this processor
     * has them ({@link #hasNativeKernels}).
     *
     * @param lowType    {@link DataType#BFLOAT16} or {@link DataType#HALF}
     * @param parameters the tensors whose low-precision copies are cached for the scope
     * @return the open scope
     */
    public static Autocast open(DataType lowType, Collection<Tensor> parameters) {
        return open(lowType, true, parameters);
    }

    /**
     * Opens a scope on this thread until {@link #close()}.
     *
     * @param lowType       {@link DataType#BFLOAT16} or {@link DataType#HALF}
     * @param nativeKernels use native low-precision kernels where there are any; false always emulates
     * @param parameters    the tensors whose low-precision copies are cached for the scope
     * @return the open scope
     */
    public static Autocast open(DataType lowType, boolean nativeKernels, Collection<Tensor> parameters) {
        if (lowType != DataType.BFLOAT16 && lowType != DataType.HALF) {
            throw new IllegalArgumentException("autocast runs in bfloat16 or float16, not " + lowType);
        }
        Autocast scope = new Autocast(lowType, nativeKernels && hasNativeKernels(lowType), parameters);
        CURRENT.set(scope);
        return scope;
    }

    /**
     * Whether products in {@code lowType} run on native kernels here (bfloat16 through oneDNN on
     * processors with AVX512-BF16 or AMX), rather than emulated on float32 ones.
     *
     * @param lowType {@link DataType#BFLOAT16} or {@link DataType#HALF}
     * @return true where the products run natively
     */
    public static boolean hasNativeKernels(DataType lowType) {
        return lowType == DataType.BFLOAT16 && OneDnnMatmul.supports(DataType.BFLOAT16, DataType.BFLOAT16);
    }

    /** The innermost open scope of this thread, or null. */
    static Autocast current() {
        return CURRENT.get();
    }

    /**
     * The precision products run in.
     *
     * @return the low-precision type
     */
    public DataType lowType() {
        return lowType;
    }

    /**
     * The output of an op, as {@code compute} makes it; where only products read it
     * ({@link OutputReaders#PRODUCTS_ONLY}) and a scope on native kernels is open, it is returned in
     * bfloat16, {@code shape}, and what {@code compute} allocates is scratch memory, released at once.
     */
    static INDArray output(OutputReaders readers, long[] shape, Supplier<INDArray> compute) {
        if (!keepsLow(readers)) {
            return compute.get();
        }
        INDArray low = Nd4j.createUninitialized(DataType.BFLOAT16, shape);
        MemoryScope.scratch(() -> {
            OneDnnCast.toBfloat16(compute.get(), low);
            return null;
        });
        return low;
    }

    /**
     * Whether an output that {@code readers} read is kept in bfloat16 here: read by products or the
     * cross-entropy only, inside a scope on native kernels.
     */
    static boolean keepsLow(OutputReaders readers) {
        Autocast scope = CURRENT.get();
        return readers != OutputReaders.ANY_OP && scope != null && scope.nativeKernels;
    }

    /** op(a)·op(b) of float32 arrays in the low precision, returned as float32. */
    INDArray product(INDArray a, boolean transA, INDArray b, boolean transB) {
        if (nativeKernels) {
            INDArray c = Nd4j.createUninitialized(DataType.FLOAT, MatMul.resultShape(a, transA, b, transB));
            productInto(a, transA, b, transB, c, c);                          // rounded in the product's parts
            return c;
        }
        return roundInPlace(unroundedProduct(a, transA, b, transB));
    }

    /**
     * op(a)·op(b) of float32 arrays in the low precision, written into {@code target}: a view with
     * any strides over all of the dense float32 array {@code whole}, which is then rounded to the low
     * precision (float32 sums rounded as autocast's result, kept in float32 for the ops that follow),
     * or over a bfloat16 {@code whole}, which the product writes rounded.
     */
    void productInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray target, INDArray whole) {
        if (nativeKernels && target == whole && FloatMemory.isDenseFloatOfAnyLength(whole)) {
            MatMul.intoRoundedToBfloat16(operand(a), transA, operand(b), transB, whole);
            return;
        }
        unroundedInto(a, transA, b, transB, target, whole);
        if (whole.dataType() == DataType.FLOAT) {
            roundInPlace(whole);
        }
    }

    /**
     * op(a)·op(b) of float32 arrays with the operands in the low precision and the float32 sums not
     * yet rounded, a new array: for an op that adds to them before the one rounding
     * ({@link #roundInPlace(INDArray)}), as PyTorch's autocast adds a linear layer's bias.
     */
    INDArray unroundedProduct(INDArray a, boolean transA, INDArray b, boolean transB) {
        INDArray c = Nd4j.createUninitialized(DataType.FLOAT, MatMul.resultShape(a, transA, b, transB));
        unroundedInto(a, transA, b, transB, c, c);
        return c;
    }

    /**
     * Whether {@link #productPlusRow} computes {@code x·Wᵀ + b} here: native kernels, float32 or
     * bfloat16 operands, a dense float32 bias, and more than one row and column.
     */
    boolean addsRowInProduct(INDArray x, INDArray w, INDArray bias) {
        long rows = x.size(0);
        long columns = w.size(0);
        return nativeKernels && MatMul.isAutocast(x) && MatMul.isAutocast(w) && FloatMemory.isDenseFloatOfAnyLength(bias)
                && MatMul.addsRowInProduct(rows, columns);
    }

    /**
     * A linear layer's {@code x·Wᵀ + b} as PyTorch's autocast computes it: the bias rounded to
     * bfloat16, added to the float32 sums of the bfloat16 product, the result rounded once. In one
     * oneDNN call per part: returned in bfloat16 when {@code low}, else as float32 holding bfloat16
     * values. Only where {@link #addsRowInProduct} says so.
     *
     * @param x    {@code [N, in]}
     * @param w    {@code [out, in]}
     * @param bias {@code [out]}, float32
     * @param low  whether the result is returned in bfloat16
     * @return {@code [N, out]}
     */
    INDArray productPlusRow(INDArray x, INDArray w, INDArray bias, boolean low) {
        INDArray y = Nd4j.createUninitialized(low ? DataType.BFLOAT16 : DataType.FLOAT, x.size(0), w.size(0));
        INDArray lowX = operand(x);
        INDArray lowW = operand(w);
        MemoryScope.scratch(() -> {
            MatMul.intoPlusRowRoundedOnce(lowX, false, lowW, true, roundInPlace(bias.dup()), y);
            return null;
        });
        return y;
    }

    /** {@link #productInto} before its rounding: the products of the low-precision operands. */
    private void unroundedInto(INDArray a, boolean transA, INDArray b, boolean transB, INDArray target,
                               INDArray whole) {
        INDArray lowA = operand(a);
        INDArray lowB = operand(b);
        if (nativeKernels) {
            MatMul.into(lowA, transA, lowB, transB, target, 1.0, 0.0);
        } else {
            MatMul.productInto(null, lowA, transA, lowB, transB, target, whole);
        }
    }

    /** Rounds the dense float32 {@code c} in place to the values of the low precision; returns it. */
    INDArray roundInPlace(INDArray c) {
        if (nativeKernels) {
            OneDnnCast.roundToBfloat16InPlace(c);
            return c;
        }
        return lowType == DataType.BFLOAT16
                ? LowPrecisionRounding.toBfloat16InPlace(c) : LowPrecisionRounding.toFloat16InPlace(c);
    }

    /**
     * The operand as the kernel takes it: bfloat16, or float32 rounded to the low precision. A
     * parameter is converted once per scope. Other operands are converted into a few scratch slots
     * that outlive the step's {@link MemoryScope}, so they cost no scope memory, and the last few
     * are remembered: a gradient that enters two products of one backward node is converted once.
     * A bfloat16 operand ({@link OutputReaders#PRODUCTS_ONLY}) goes to native kernels as it is.
     */
    private INDArray operand(INDArray x) {
        DataType type = nativeKernels ? DataType.BFLOAT16 : DataType.FLOAT;
        if (nativeKernels && x.dataType() == DataType.BFLOAT16) {
            return x;
        }
        if (parameterValues.contains(x)) {
            INDArray copy = parameterCopies.get(x);
            if (copy == null) {
                copy = lowerInto(x, buffers.parameterCopy(x, type));
                parameterCopies.put(x, copy);
            }
            return copy;
        }
        for (int i = 0; i < RECENT_COPIES; i++) {
            if (recentOperands[i] == x) {
                return recentCopies[i];
            }
        }
        INDArray copy = lowerInto(x, buffers.slot(nextRecent, type, x.shape()));
        recentOperands[nextRecent] = x;
        recentCopies[nextRecent] = copy;
        nextRecent = (nextRecent + 1) % RECENT_COPIES;
        return copy;
    }

    /** Writes {@code x} in the low precision (or rounded to it, emulated) into {@code target}; returns it. */
    private INDArray lowerInto(INDArray x, INDArray target) {
        if (nativeKernels) {
            OneDnnCast.toBfloat16(x, target);
            return target;
        }
        target.assign(x);
        return roundInPlace(target);
    }

    /** Ends the scope: products run in float32 again (or in the enclosing scope's precision). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        parameterCopies.clear();                                        // the buffers stay for the next scope
        java.util.Arrays.fill(recentOperands, null);
        java.util.Arrays.fill(recentCopies, null);
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
