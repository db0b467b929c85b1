package org.decoder4j.nn;

import org.decoder4j.tensor.EmbeddingOp;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A table of {@code count} learned vectors of size {@code dim}, looked up by integer id.
 *
 * <pre>{@code
 * Embedding wte = new Embedding(65, 128, init);
 * Tensor x = wte.forward(ids);          // ids [B, T] -> x [B, T, 128]
 * }</pre>
 */
public final class Embedding extends Module {

    private final Tensor weight;

    /**
     * A table of {@code count} rows of {@code dim} weights drawn from Normal(0, 0.02²).
     *
     * @param count the number of rows (ids)
     * @param dim the row length
     * @param init the weight initializer
     */
    public Embedding(long count, long dim, Initializer init) {
        this.weight = registerParameter("weight", init.normal(0.02, count, dim));
    }

    /**
     * ids of any shape S (integer type) to {@code [S..., dim]}.
     *
     * @param ids token or position ids, of an integer type
     * @return the looked-up rows
     */
    public Tensor forward(INDArray ids) {
        return EmbeddingOp.apply(weight, ids);
    }

    /**
     * The table {@code [count, dim]}.
     *
     * @return the weight parameter
     */
    public Tensor weight() {
        return weight;
    }
}
