package org.decoder4j.nn;

import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.SinglePositionDecoder;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.rng.Random;

/**
 * One pre-layer-norm transformer block, as GPT-2:
 * {@code x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))}.
 *
 * <pre>{@code
 * DecoderBlock block = new DecoderBlock(config, init, rng);
 * Tensor y = block.forward(x);          // [B, T, C] -> [B, T, C]
 * }</pre>
 */
public final class DecoderBlock extends Module {

    private final LayerNorm ln1;
    private final CausalSelfAttention attn;
    private final LayerNorm ln2;
    private final FeedForward mlp;

    /**
     * A block with freshly initialised weights.
     *
     * @param config the model's shape
     * @param init the weight initializer
     * @param random the model's dropout generator
     */
    public DecoderBlock(GPTConfig config, Initializer init, Random random) {
        long c = config.embeddingSize();
        this.ln1 = registerModule("ln_1", new LayerNorm(c, config.layerNormEpsilon(), init));
        this.attn = registerModule("attn", new CausalSelfAttention(config, init, random));
        this.ln2 = registerModule("ln_2", new LayerNorm(c, config.layerNormEpsilon(), init));
        this.mlp = registerModule("mlp", new FeedForward(config, init, random));
    }

    /**
     * {@code x + attn(ln_1(x))}, then {@code + mlp(ln_2(·))}.
     *
     * @param x hidden states {@code [B, T, C]}
     * @return hidden states {@code [B, T, C]}
     */
    public Tensor forward(Tensor x) {
        // the layer norms' outputs feed products only: bfloat16 under bfloat16 autocast
        x = x.add(attn.forward(ln1.forward(x, OutputReaders.PRODUCTS_ONLY)));  // (B, T, C)
        return x.add(mlp.forward(ln2.forward(x, OutputReaders.PRODUCTS_ONLY))); // (B, T, C)
    }

    /** This block's parameters as the single-position decoding step reads them. */
    SinglePositionDecoder.Block decodingWeights() {
        Linear fc = mlp.fc();
        Linear fcProj = mlp.proj();
        return new SinglePositionDecoder.Block(ln1.weight().value(), ln1.bias().value(),
                attn.query().weight().value(), attn.query().bias().value(),
                attn.key().weight().value(), attn.key().bias().value(),
                attn.value().weight().value(), attn.value().bias().value(),
                attn.proj().weight().value(), attn.proj().bias().value(),
                ln2.weight().value(), ln2.bias().value(),
                fc.weight().value(), fc.bias().value(), fcProj.weight().value(), fcProj.bias().value());
    }

    /** The block on new positions {@code from…} with cached attention; evaluation mode only. */
    Tensor forwardCached(Tensor x, KvCache cache, int layer, long from) {
        x = x.add(attn.forwardCached(ln1.forward(x), cache, layer, from));      // (B, Tn, C)
        return x.add(mlp.forward(ln2.forward(x)));                              // (B, Tn, C)
    }
}
