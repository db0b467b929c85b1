package org.decoder4j.tensor;

import org.decoder4j.tensor.cpu.Bfloat16Memory;
import org.decoder4j.tensor.cpu.CrossEntropyKernel;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax cross-entropy between rows of logits and integer class targets, averaged over the
 * targets that are not {@code ignoreIndex}, as {@code torch.nn.functional.cross_entropy} with
 * {@code reduction="mean"}. With no counted target the result is NaN, as in PyTorch.
 *
 * <p>The target log-probabilities are gathered from the flattened {@code [N·V]} array and the
 * gradient {@code softmax − onehot} is formed with one scatter, so no {@code [N, V]} one-hot is
 * ever built (that matters at GPT-2's 50,257-token vocabulary). Dense float32 logits go through
 * {@link CrossEntropyKernel}, one pass per row each way; so do bfloat16 logits (kept so under
 * autocast, {@link OutputReaders#CROSS_ENTROPY_ONLY}), which are read as float32 and get a bfloat16
 * gradient, as under PyTorch's autocast, while the loss is float32.
 */
public final class CrossEntropyOp {

    private CrossEntropyOp() {
    }

    /**
     * @param logits      {@code [N, V]} unnormalised scores
     * @param targets     {@code [N]} (or any shape with N elements) integer class ids
     * @param ignoreIndex a target value that contributes neither loss nor gradient (PyTorch uses −100)
     * @return the mean loss, shape {@code []}
     */
    public static Tensor apply(Tensor logits, INDArray targets, long ignoreIndex) {
        return apply(logits, targets, ignoreIndex, false);
    }

    /**
     * The same loss, whose backward pass writes the gradient over the logits instead of into an
     * array of their own: for logits that nothing reads after the backward pass, such as
     * {@code model.forward(ids)} passed straight in. Only float32 or bfloat16 logits made inside the
     * open {@link MemoryScope} are overwritten (never a parameter or an array from outside the step);
     * others get a new array as usual. At GPT-2's vocabulary that is 206 MB less per 1024 positions
     * at the moment the step's memory peaks. Reading the logits after {@code backward()} gives the
     * gradient, not the logits.
     *
     * <pre>{@code
     * Tensor loss = CrossEntropyOp.applyOverwritingLogits(model.forward(ids).reshape(n, vocab), targets, -100);
     * loss.backward();                         // the logits' memory now holds dL/d logits
     * }</pre>
     *
     * @param logits      {@code [N, V]} unnormalised scores, not read after the backward pass
     * @param targets     {@code [N]} (or any shape with N elements) integer class ids
     * @param ignoreIndex a target value that contributes neither loss nor gradient (PyTorch uses −100)
     * @return the mean loss, shape {@code []}
     */
    public static Tensor applyOverwritingLogits(Tensor logits, INDArray targets, long ignoreIndex) {
        return apply(logits, targets, ignoreIndex, true);
    }

    private static Tensor apply(Tensor logits, INDArray targets, long ignoreIndex, boolean overwrite) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("cross-entropy needs logits [N, V], got rank " + logits.rank());
        }
        long n = logits.shape()[0];
        long vocab = logits.shape()[1];
        if (targets.length() != n) {
            throw new IllegalArgumentException("cross-entropy got " + n + " rows of logits but "
                    + targets.length() + " targets");
        }
        long[] ids = targets.reshape(n).toLongVector();
        long[] flat = new long[(int) n];                                         // row·V + target
        double[] weight = new double[(int) n];                                   // 1 counted, 0 ignored
        long counted = 0;
        for (int i = 0; i < n; i++) {
            long id = ids[i];
            if (id == ignoreIndex) {
                flat[i] = (long) i * vocab;
                continue;
            }
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("target " + id + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
            flat[i] = (long) i * vocab + id;
            weight[i] = 1.0;
            counted++;
        }
        INDArray x = logits.value();
        DataType type = x.dataType() == DataType.BFLOAT16 ? DataType.FLOAT : x.dataType();  // the loss's type
        if (FloatMemory.isDenseFloat(x) || Bfloat16Memory.isDenseBfloat16(x)) {
            double[] lossSum = new double[1];
            CrossEntropyKernel kernel = CrossEntropyKernel.forward(x, ids, ignoreIndex, lossSum);
            long count = counted;
            INDArray loss = Nd4j.scalar(type, count == 0 ? Double.NaN : lossSum[0] / count);
            boolean inPlace = overwrite && x.isAttached();                       // made in the step, not a parameter
            return Tensor.fromOp("crossEntropy", loss, g -> new INDArray[] {inPlace
                    ? kernel.backwardOverLogits(g.getDouble(0) / count) : kernel.backward(g.getDouble(0) / count)},
                    logits);
        }
        INDArray wide = x.dataType() == type ? x : x.castTo(type);              // bfloat16 read as float32
        INDArray logp = Nd4j.exec(new LogSoftMax(wide, 1))[0];                  // (N, V)
        INDArray index = Nd4j.createFromArray(flat);
        INDArray w = Nd4j.createFromArray(weight).castTo(type);                 // (N)
        INDArray picked = gather(logp.reshape(n * vocab), index);               // (N)
        double total = counted == 0 ? Double.NaN : -picked.mul(w).sumNumber().doubleValue() / counted;
        INDArray loss = Nd4j.scalar(type, total);
        final long count = counted;

        return Tensor.fromOp("crossEntropy", loss, g -> {
            double scale = g.getDouble(0) / count;
            // dlogits = (softmax − onehot) · w · g / count, row by row
            INDArray dx = Transforms.exp(logp, true);                           // (N, V) softmax
            dx.muliColumnVector(w.mul(scale).reshape(n, 1));
            INDArray updates = w.mul(-scale).reshape(n, 1);                     // (N, 1)
            Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                    .addInputs(dx.reshape(n * vocab, 1), index, updates)
                    .addOutputs(dx.reshape(n * vocab, 1))
                    .build());
            return new INDArray[] {dx.dataType() == x.dataType() ? dx : dx.castTo(x.dataType())};
        }, logits);
    }

    private static INDArray gather(INDArray values, INDArray index) {
        INDArray out = Nd4j.createUninitialized(values.dataType(), index.length());
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(values, index)
                .addOutputs(out)
                .addIntegerArguments(0)
                .build());
        return out;
    }
}
