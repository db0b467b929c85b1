package org.decoder4j.nn;

import org.decoder4j.tensor.CausalAttentionOp;
import org.decoder4j.tensor.IncrementalAttention;
import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * Multi-head causal self-attention with explicit query, key, value and output projections:
 * {@code Q = X·W_Qᵀ, K = X·W_Kᵀ, V = X·W_Vᵀ}, per head {@code softmax(Q·Kᵀ/√d + causal mask)·V},
 * heads concatenated, then {@code W_O}.
 *
 * <pre>{@code
 * CausalSelfAttention attn = new CausalSelfAttention(config, init, rng);
 * Tensor y = attn.forward(x);           // [B, T, C] -> [B, T, C]
 * }</pre>
 */
public final class CausalSelfAttention extends Module {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear proj;
    private final Dropout residualDropout;
    private final double attentionDropout;
    private final Random random;
    private final int heads;

    /**
     * An attention layer with freshly initialised weights.
     *
     * @param config the model's shape
     * @param init the weight initializer
     * @param random the model's dropout generator
     */
    public CausalSelfAttention(GPTConfig config, Initializer init, Random random) {
        long c = config.embeddingSize();
        this.heads = config.heads();
        this.query = registerModule("query", new Linear(c, c, init, 0.02));
        this.key = registerModule("key", new Linear(c, c, init, 0.02));
        this.value = registerModule("value", new Linear(c, c, init, 0.02));
        this.proj = registerModule("proj", new Linear(c, c, init, config.residualProjectionStd()));
        this.residualDropout = registerModule("resid_dropout", new Dropout(config.dropout(), random));
        this.attentionDropout = config.dropout();
        this.random = random;
    }

    /**
     * x {@code [B, T, C]} to {@code [B, T, C]}.
     *
     * @param x hidden states
     * @return the attention block's output
     */
    public Tensor forward(Tensor x) {
        // q, k, v and the attention output feed products only: bfloat16 under bfloat16 autocast
        Tensor q = query.forward(x, OutputReaders.PRODUCTS_ONLY);              // (B, T, C), H heads of D side by side
        Tensor k = key.forward(x, OutputReaders.PRODUCTS_ONLY);                // (B, T, C)
        Tensor v = value.forward(x, OutputReaders.PRODUCTS_ONLY);              // (B, T, C)
        double p = isTraining() ? attentionDropout : 0.0;
        Tensor y = CausalAttentionOp.applyPacked(q, k, v, heads, p, random,
                OutputReaders.PRODUCTS_ONLY);                                   // (B, T, C), per head (T, D)
        return residualDropout.forward(proj.forward(y));
    }

    /**
     * Inference with a key/value cache: x {@code [B, Tn, C]} holds the new positions
     * {@code from…from+Tn−1}; their keys and values are stored in {@code cache} as layer
     * {@code layer}, and each attends to every cached position before it. No dropout.
     */
    Tensor forwardCached(Tensor x, KvCache cache, int layer, long from) {
        long[] s = x.shape();
        long b = s[0];
        long t = s[1];
        long c = s[2];
        long d = c / heads;
        INDArray q = splitHeads(query.forward(x), b, t, d).value();             // (B, H, Tn, D)
        INDArray k = splitHeads(key.forward(x), b, t, d).value();               // (B, H, Tn, D)
        INDArray v = splitHeads(value.forward(x), b, t, d).value();             // (B, H, Tn, D)
        cache.write(layer, from, k, v);
        INDArray y = IncrementalAttention.apply(q, cache.keys(layer, from + t),
                cache.values(layer, from + t), from);                           // (B, H, Tn, D)
        Tensor heads = Tensor.constant(y).permute(0, 2, 1, 3).reshape(b, t, c); // (B, Tn, C)
        return proj.forward(heads);
    }

    private Tensor splitHeads(Tensor x, long b, long t, long d) {
        return x.reshape(b, t, heads, d).permute(0, 2, 1, 3);                   // (B, T, C) -> (B, H, T, D)
    }

    /**
     * The query projection, C to C.
     *
     * @return the layer
     */
    public Linear query() {
        return query;
    }

    /**
     * The key projection, C to C.
     *
     * @return the layer
     */
    public Linear key() {
        return key;
    }

    /**
     * The value projection, C to C.
     *
     * @return the layer
     */
    public Linear value() {
        return value;
    }

    /**
     * The output projection, C to C.
     *
     * @return the layer
     */
    public Linear proj() {
        return proj;
    }
}
