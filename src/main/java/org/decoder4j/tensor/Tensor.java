package org.decoder4j.tensor;

import java.util.Arrays;
import org.decoder4j.tensor.cpu.NativeRuntime;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An ND4J array with reverse-mode automatic differentiation.
 *
 * <p>A tensor is either a leaf (a constant, or a trainable parameter whose {@link #grad()}
 * accumulates across {@link #backward()} calls until {@link #zeroGrad()}) or the result of an
 * operation, which remembers its inputs and its {@link Backward} function. Calling
 * {@link #backward()} on a scalar walks the recorded graph in reverse topological order.
 *
 * <pre>{@code
 * Tensor w = Tensor.parameter(Nd4j.randn(DataType.FLOAT, 3, 2));
 * Tensor x = Tensor.constant(Nd4j.ones(DataType.FLOAT, 4, 3));
 * Tensor loss = x.matmul(w).mul(x.matmul(w)).mean();
 * loss.backward();
 * INDArray dw = w.grad();                      // [3, 2]
 * }</pre>
 *
 * <p>Coarse operations (layer norm, GELU, causal attention, cross-entropy, embedding lookup,
 * dropout) live in their own classes next to this one, each with its backward pass beside its
 * forward pass.
 */
public final class Tensor {

    static {
        NativeRuntime.configure();
    }

    private INDArray value;
    private final boolean requiresGrad;
    private final String op;
    private final Tensor[] inputs;
    private final Backward backward;
    private INDArray grad;
    private ParameterBuffer buffer;

    private Tensor(INDArray value, boolean requiresGrad, String op, Tensor[] inputs, Backward backward) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    /**
     * A leaf that needs no gradient (inputs, masks, constants).
     *
     * @param value the array
     * @return a tensor without a gradient
     */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, false, "constant", new Tensor[0], null);
    }

    /**
     * A trainable leaf: its gradient accumulates in {@link #grad()}.
     *
     * @param value the initial value
     * @return a parameter
     */
    public static Tensor parameter(INDArray value) {
        return new Tensor(value, true, "parameter", new Tensor[0], null);
    }

    /**
     * Records the result of an operation.
     * If gradients are disabled ({@link NoGrad}) or no input needs one, no graph is kept.
     *
     * @param op       a short name for error messages and debugging
     * @param value    the operation's output
     * @param backward gradients of the inputs given the gradient of the output
     * @param inputs   the operation's inputs, in the order {@code backward} returns gradients
     * @return the result, recorded in the graph when a gradient is needed
     */
    public static Tensor fromOp(String op, INDArray value, Backward backward, Tensor... inputs) {
        boolean needs = false;
        if (NoGrad.isGradEnabled()) {
            for (Tensor input : inputs) {
                needs |= input.requiresGrad;
            }
        }
        return needs
                ? new Tensor(value, true, op, inputs, backward)
                : new Tensor(value, false, op, new Tensor[0], null);
    }

    /**
     * The array this tensor holds.
     *
     * @return the value
     */
    public INDArray value() {
        return value;
    }

    /**
     * The accumulated gradient of a leaf parameter, or null before the first backward pass.
     *
     * @return the gradient, or null
     */
    public INDArray grad() {
        return grad;
    }

    /**
     * Whether a gradient flows to or through this tensor.
     *
     * @return true if a gradient is needed
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Whether this tensor is a leaf (no recorded producing operation).
     *
     * @return true for a leaf
     */
    public boolean isLeaf() {
        return backward == null;
    }

    /**
     * Name of the operation that produced this tensor ("parameter" or "constant" for leaves).
     *
     * @return the operation's name
     */
    public String op() {
        return op;
    }

    /**
     * The dimensions of the value.
     *
     * @return the shape
     */
    public long[] shape() {
        return value.shape();
    }

    /**
     * The type of the value.
     *
     * @return the data type
     */
    public DataType dataType() {
        return value.dataType();
    }

    /**
     * Number of dimensions.
     *
     * @return the rank
     */
    public int rank() {
        return value.rank();
    }

    /**
     * The single value of a one-element tensor.
     *
     * @return the value
     */
    public double item() {
        if (value.length() != 1) {
            throw new IllegalStateException("item() needs a one-element tensor, shape is " + Arrays.toString(shape()));
        }
        return value.getDouble(0);
    }

    /** Sets an accumulated gradient to zero (keeps the buffer for the next step). */
    public void zeroGrad() {
        if (grad != null) {
            grad.assign(0);
        }
    }

    /** The flat buffer this parameter lives in, or null. */
    ParameterBuffer buffer() {
        return buffer;
    }

    /** Rebinds a parameter to views into a {@link ParameterBuffer}. */
    void moveTo(ParameterBuffer target, INDArray newValue, INDArray newGrad) {
        this.buffer = target;
        this.value = newValue;
        this.grad = newGrad;
    }

    // ------------------------------------------------------------------ autograd

    /** Backpropagates from a one-element tensor (dL/dL = 1). */
    public void backward() {
        if (value.length() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a scalar, shape is "
                    + Arrays.toString(shape()));
        }
        backward(Nd4j.ones(value.dataType(), value.shape()));
    }

    /**
     * Backpropagates a given output gradient through the recorded graph, accumulating into the
     * gradients of leaf parameters.
     *
     * @param gradOutput the gradient of the final value with respect to this tensor, of its shape
     */
    public void backward(INDArray gradOutput) {
        if (!requiresGrad) {
            throw new IllegalStateException("backward() on a tensor that does not require a gradient (op "
                    + op + "): no parameter contributes to it, or it was computed under NoGrad");
        }
        BackwardPass.run(this, gradOutput);
    }

    /** Adds a gradient that reached this leaf to its accumulated {@link #grad()}. */
    void accumulate(INDArray g) {
        if (!Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalStateException("gradient of shape " + Arrays.toString(g.shape())
                    + " for a parameter of shape " + Arrays.toString(value.shape()));
        }
        if (grad == null) {
            grad = MemoryScope.persistent(g::dup); // a parameter's gradient buffer outlives the step
        } else {
            grad.addi(g);
        }
    }

    /** The recorded inputs of an operation (none for a leaf). */
    Tensor[] inputs() {
        return inputs;
    }

    /** The recorded backward function, or null for a leaf. */
    Backward backwardFunction() {
        return backward;
    }

    // ------------------------------------------------------------------ arithmetic

    /**
     * Elementwise sum with numpy broadcasting.
     *
     * @param other the other operand
     * @return the sum
     */
    public Tensor add(Tensor other) {
        long[] a = shape();
        long[] b = other.shape();
        return fromOp("add", value.add(other.value),
                g -> new INDArray[] {BroadcastReduction.reduceTo(g, a), BroadcastReduction.reduceTo(g, b)},
                this, other);
    }

    /**
     * Elementwise difference with numpy broadcasting.
     *
     * @param other the operand subtracted
     * @return the difference
     */
    public Tensor sub(Tensor other) {
        long[] a = shape();
        long[] b = other.shape();
        return fromOp("sub", value.sub(other.value),
                g -> new INDArray[] {
                    BroadcastReduction.reduceTo(g, a),
                    BroadcastReduction.reduceTo(g.neg(), b)},
                this, other);
    }

    /**
     * Elementwise product with numpy broadcasting.
     *
     * @param other the other operand
     * @return the product
     */
    public Tensor mul(Tensor other) {
        INDArray x = value;
        INDArray y = other.value;
        return fromOp("mul", x.mul(y),
                g -> new INDArray[] {
                    requiresGrad ? BroadcastReduction.reduceTo(g.mul(y), x.shape()) : null,
                    other.requiresGrad ? BroadcastReduction.reduceTo(g.mul(x), y.shape()) : null},
                this, other);
    }

    /**
     * Multiplies by a constant.
     *
     * @param factor the constant
     * @return the scaled tensor
     */
    public Tensor scale(double factor) {
        return fromOp("scale", value.mul(factor),
                g -> new INDArray[] {g.mul(factor)}, this);
    }

    /**
     * Adds a constant.
     *
     * @param constant the constant
     * @return the shifted tensor
     */
    public Tensor addScalar(double constant) {
        return fromOp("addScalar", value.add(constant), g -> new INDArray[] {g}, this);
    }

    /**
     * Elementwise negation.
     *
     * @return the negated tensor
     */
    public Tensor neg() {
        return scale(-1.0);
    }

    /**
     * Elementwise e^x.
     *
     * @return the exponentials
     */
    public Tensor exp() {
        INDArray y = Transforms.exp(value, true);
        return fromOp("exp", y, g -> new INDArray[] {g.mul(y)}, this);
    }

    /**
     * Elementwise natural logarithm.
     *
     * @return the logarithms
     */
    public Tensor log() {
        INDArray x = value;
        return fromOp("log", Transforms.log(x, true), g -> new INDArray[] {g.div(x)}, this);
    }

    /**
     * Sum of all elements, a scalar of shape [].
     *
     * @return the sum
     */
    public Tensor sum() {
        long[] s = shape();
        return fromOp("sum", value.sum(),
                g -> new INDArray[] {Nd4j.valueArrayOf(s, g.getDouble(0), g.dataType())}, this);
    }

    /**
     * Mean of all elements, a scalar of shape [].
     *
     * @return the mean
     */
    public Tensor mean() {
        long[] s = shape();
        long n = value.length();
        return fromOp("mean", value.mean(),
                g -> new INDArray[] {Nd4j.valueArrayOf(s, g.getDouble(0) / n, g.dataType())}, this);
    }

    /**
     * Sum over the given axes, keeping them as size 1 when {@code keepDims}.
     *
     * @param keepDims whether to keep the summed axes as size 1
     * @param axes the axes to sum over
     * @return the sums
     */
    public Tensor sum(boolean keepDims, int... axes) {
        long[] s = shape();
        INDArray y = value.sum(keepDims, axes);
        long[] kept = s.clone();
        for (int axis : axes) {
            kept[axis < 0 ? axis + s.length : axis] = 1;
        }
        return fromOp("sumAxes", y,
                g -> new INDArray[] {g.reshape(kept).add(Nd4j.zeros(g.dataType(), s))}, this);
    }

    // ------------------------------------------------------------------ matrix products

    /**
     * Matrix product: 2-D {@code [M,K]·[K,N]}, or batched over equal leading dimensions
     * ({@code [..., M, K]·[..., K, N]}). No broadcasting of batch dimensions.
     *
     * @param other the right operand
     * @return the product
     */
    public Tensor matmul(Tensor other) {
        return matmul(other, false, false);
    }

    /**
     * Matrix product of op(this)·op(other), where op transposes the last two axes when asked.
     *
     * @param other the right operand
     * @param transposeThis whether to transpose this operand's last two axes
     * @param transposeOther whether to transpose the other's last two axes
     * @return the product
     */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        return matmul(other, transposeThis, transposeOther, OutputReaders.ANY_OP);
    }

    /**
     * The same product, for a result that only {@code readers} read ({@link OutputReaders}): under
     * native bfloat16 autocast, a product read only by other products or by the cross-entropy is
     * returned in bfloat16.
     *
     * <pre>{@code
     * Tensor logits = hidden.matmul(wte, false, true, OutputReaders.CROSS_ENTROPY_ONLY);  // [N, C]·[V, C]ᵀ
     * }</pre>
     *
     * @param other the right operand
     * @param transposeThis whether to transpose this operand's last two axes
     * @param transposeOther whether to transpose the other's last two axes
     * @param readers which operations read the result
     * @return the product
     */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther, OutputReaders readers) {
        INDArray a = value;
        INDArray b = other.value;
        INDArray c = MatMul.product(a, transposeThis, b, transposeOther, readers);
        return fromOp("matmul", c, g -> MatMul.backward(g, a, transposeThis, b, transposeOther,
                requiresGrad, other.requiresGrad), this, other);
    }

    // ------------------------------------------------------------------ shape

    /**
     * Same elements in a new shape (C order).
     *
     * @param newShape the new shape, of the same element count
     * @return the reshaped tensor
     */
    public Tensor reshape(long... newShape) {
        long[] old = shape();
        INDArray src = value.ordering() == 'c' ? value : value.dup('c');
        return fromOp("reshape", src.reshape('c', newShape), g -> new INDArray[] {g.reshape('c', old)}, this);
    }

    /**
     * Reorders axes; the result is a contiguous copy so that later products run fast.
     *
     * @param axes the new order of the axes
     * @return the permuted tensor
     */
    public Tensor permute(int... axes) {
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            inverse[axes[i]] = i;
        }
        return fromOp("permute", value.permute(axes).dup('c'),
                g -> new INDArray[] {g.permute(inverse).dup('c')}, this);
    }

    /**
     * Swaps two axes.
     *
     * @param axisA one axis
     * @param axisB the other axis
     * @return the transposed tensor
     */
    public Tensor transpose(int axisA, int axisB) {
        int[] axes = new int[rank()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        axes[axisA] = axisB;
        axes[axisB] = axisA;
        return permute(axes);
    }

    /**
     * The slice {@code [start, start+length)} along one axis, as a copy.
     *
     * @param axis the axis to slice
     * @param start the first index kept
     * @param length the number of indices kept
     * @return the slice
     */
    public Tensor narrow(int axis, long start, long length) {
        long[] s = shape();
        INDArrayIndex[] index = sliceIndex(s.length, axis, start, length);
        return fromOp("narrow", value.get(index).dup('c'), g -> {
            INDArray full = Nd4j.zeros(g.dataType(), s);
            full.get(index).assign(g);
            return new INDArray[] {full};
        }, this);
    }

    /**
     * Splits along one axis into pieces of the given sizes.
     *
     * @param axis the axis to split
     * @param sizes the pieces' sizes, summing to the axis's size
     * @return the pieces, in order
     */
    public Tensor[] split(int axis, long... sizes) {
        Tensor[] pieces = new Tensor[sizes.length];
        long start = 0;
        for (int i = 0; i < sizes.length; i++) {
            pieces[i] = narrow(axis, start, sizes[i]);
            start += sizes[i];
        }
        if (start != shape()[axis]) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not add up to "
                    + shape()[axis] + " along axis " + axis);
        }
        return pieces;
    }

    /**
     * Joins tensors along an axis; all other dimensions must agree.
     *
     * @param axis the axis to join along
     * @param parts the tensors to join, in order
     * @return the joined tensor
     */
    public static Tensor concat(int axis, Tensor... parts) {
        INDArray[] values = new INDArray[parts.length];
        for (int i = 0; i < parts.length; i++) {
            values[i] = parts[i].value;
        }
        INDArray joined = Nd4j.concat(axis, values);
        return fromOp("concat", joined, g -> {
            INDArray[] grads = new INDArray[parts.length];
            long start = 0;
            for (int i = 0; i < parts.length; i++) {
                long len = parts[i].shape()[axis];
                grads[i] = g.get(sliceIndex(g.rank(), axis, start, len)).dup('c');
                start += len;
            }
            return grads;
        }, parts);
    }

    private static INDArrayIndex[] sliceIndex(int rank, int axis, long start, long length) {
        INDArrayIndex[] index = new INDArrayIndex[rank];
        for (int i = 0; i < rank; i++) {
            index[i] = i == axis ? NDArrayIndex.interval(start, start + length) : NDArrayIndex.all();
        }
        return index;
    }

    @Override
    public String toString() {
        return "Tensor(op=" + op + ", shape=" + Arrays.toString(shape()) + ", dtype=" + dataType()
                + (requiresGrad ? ", requiresGrad" : "") + ")";
    }
}
