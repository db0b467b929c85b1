package org.decoder4j.tensor;

/**
 * Which operations will read an op's output: a promise from the caller that lets the op keep the
 * output in less memory. Inside an {@link Autocast} scope on native bfloat16 kernels, an output
 * that only matrix products read ({@link #PRODUCTS_ONLY}) is kept in bfloat16: those are the
 * values the products would round it to anyway, so the results are the same to the last bit, in
 * half the memory and without converting it again for every product that reads it, forward or
 * backward. Everywhere else the two are the same.
 *
 * <p>A GPT block keeps its layer-norm outputs, queries, keys, values, attention output and GELU
 * output this way, as PyTorch's autocast keeps them in bfloat16; a training step keeps the
 * logits so ({@link #CROSS_ENTROPY_ONLY}), which the loss then reads as they are.
 *
 * <pre>{@code
 * Tensor h = LayerNormOp.apply(x, gain, bias, 1e-5, OutputReaders.PRODUCTS_ONLY);   // may be bfloat16
 * Tensor q = LinearOp.apply(h, weight, bias);                                      // reads it as it is
 * }</pre>
 */
public enum OutputReaders {
    /** Any operation may read the output: it stays in the op's own precision. */
    ANY_OP,
    /**
     * Only matrix products read it (linear layers, attention's products): under native bfloat16
     * autocast it is kept in bfloat16.
     */
    PRODUCTS_ONLY,
    /**
     * Only {@link CrossEntropyOp} reads it, as the logits of a training step: under native bfloat16
     * autocast they are kept in bfloat16 (the values autocast's product rounds them to), the loss
     * reads them as float32 and their gradient is bfloat16, as in PyTorch's autocast. At GPT-2's
     * vocabulary that is 103 MB less per 1024 positions, and no rounding pass over them.
     */
    CROSS_ENTROPY_ONLY
}
