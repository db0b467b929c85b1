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
 * output this way, as PyTorch's autocast keeps them in bfloat16.
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
    PRODUCTS_ONLY
}
