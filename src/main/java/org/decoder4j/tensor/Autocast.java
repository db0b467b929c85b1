package org.decoder4j.tensor;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A scope in which matrix products run in a low precision, as inside PyTorch's
 * {@code torch.autocast}: every float32 product (linear layers, attention scores and weighted
 * sums, the output head, and their gradients) takes low-precision operands and rounds its result
 * to the low precision; everything else — softmax, layer norm, GELU, the loss, reductions, the
 * optimizer — stays in float32, and so do the parameters. The low-precision copy of each
 * parameter is made once per scope (one training step), however often the parameter is used.
 *
 * <p>Two ways to compute a product: with native low-precision kernels (fast only where the ND4J
 * build has them, such as its oneDNN build for bfloat16), or emulated: operands rounded to the
 * low precision, the product summed in float32 and rounded back — the same numbers a
 * low-precision kernel with float32 accumulation gives, at float32 speed plus the roundings.
 * Native kernels are used for 2-D products only (the linear layers and the output head): ND4J's
 * builds have no fast batched low-precision product (its oneDNN build runs the attention's
 * {@code [B, H, T, D]} products in bfloat16 at under 1 GFLOP/s), so batched products are emulated.
 *
 * <pre>{@code
 * try (Autocast scope = Autocast.open(DataType.BFLOAT16, false, model.parameters())) {
 *     Tensor loss = Loss.crossEntropy(model.forward(inputs), targets);
 *     loss.backward();                        // gradients of the products in bfloat16 too
 * }
 * }</pre>
 */
public final class Autocast implements AutoCloseable {

    private static final ThreadLocal<Autocast> CURRENT = new ThreadLocal<>();

    private final DataType lowType;
    private final boolean nativeKernels;
    private final Set<INDArray> parameterValues = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<INDArray, INDArray> parameterCopies = new IdentityHashMap<>();
    private final Autocast outer;
    private boolean closed;

    private Autocast(DataType lowType, boolean nativeKernels, Collection<Tensor> parameters) {
        this.lowType = lowType;
        this.nativeKernels = nativeKernels;
        parameters.forEach(p -> parameterValues.add(p.value()));
        this.outer = CURRENT.get();
    }

    /**
     * Opens a scope on this thread until {@link #close()}.
     *
     * @param lowType       {@link DataType#BFLOAT16} or {@link DataType#HALF}
     * @param nativeKernels compute products with ND4J's low-precision kernels instead of emulating them
     * @param parameters    the tensors whose low-precision copies are cached for the scope
     */
    public static Autocast open(DataType lowType, boolean nativeKernels, Collection<Tensor> parameters) {
        if (lowType != DataType.BFLOAT16 && lowType != DataType.HALF) {
            throw new IllegalArgumentException("autocast runs in bfloat16 or float16, not " + lowType);
        }
        Autocast scope = new Autocast(lowType, nativeKernels, parameters);
        CURRENT.set(scope);
        return scope;
    }

    /** The innermost open scope of this thread, or null. */
    static Autocast current() {
        return CURRENT.get();
    }

    /** The precision products run in. */
    public DataType lowType() {
        return lowType;
    }

    /** op(a)·op(b) of float32 arrays in the low precision, returned as float32. */
    INDArray product(INDArray a, boolean transA, INDArray b, boolean transB) {
        boolean onNativeKernel = nativeKernels && a.rank() == 2;
        INDArray lowA = operand(a, onNativeKernel);
        INDArray lowB = operand(b, onNativeKernel);
        INDArray c;
        if (onNativeKernel) {
            INDArray lowC = MemoryScope.persistent(() -> MatMul.exact(lowA, transA, lowB, transB));
            c = lowC.castTo(DataType.FLOAT);
            lowC.close();
        } else {
            c = roundInPlace(MatMul.exact(lowA, transA, lowB, transB));
        }
        if (lowA != parameterCopies.get(a)) {
            lowA.close();                               // a transient copy, not the step's parameter copy
        }
        if (lowB != parameterCopies.get(b)) {
            lowB.close();
        }
        return c;
    }

    /**
     * The operand as the kernel takes it: low precision, or float32 rounded to it. A parameter's
     * copy is cached for the scope; any other operand's copy is made outside the step's
     * {@link MemoryScope} and freed right after its product, so it costs no scope memory.
     */
    private INDArray operand(INDArray x, boolean onNativeKernel) {
        if (!parameterValues.contains(x)) {
            return MemoryScope.persistent(() -> lowered(x, onNativeKernel));
        }
        // parameters only enter 2-D products, so each has one kind of copy per scope
        return parameterCopies.computeIfAbsent(x, p -> lowered(p, onNativeKernel));
    }


    private INDArray lowered(INDArray x, boolean onNativeKernel) {
        return onNativeKernel ? x.castTo(lowType) : round(x);
    }

    /** float32 values rounded to the nearest low-precision value, kept as float32. */
    private INDArray round(INDArray x) {
        return lowType == DataType.BFLOAT16 ? LowPrecisionRounding.toBfloat16(x) : LowPrecisionRounding.toFloat16(x);
    }

    /** A fresh product's float32 values rounded in place. */
    private INDArray roundInPlace(INDArray c) {
        return lowType == DataType.BFLOAT16
                ? LowPrecisionRounding.toBfloat16InPlace(c) : LowPrecisionRounding.toFloat16InPlace(c);
    }

    /** Ends the scope: products run in float32 again (or in the enclosing scope's precision). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        parameterCopies.clear();
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
