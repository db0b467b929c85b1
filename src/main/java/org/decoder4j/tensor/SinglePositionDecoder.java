package org.decoder4j.tensor;

import java.util.List;
import org.bytedeco.javacpp.FloatPointer;
import org.decoder4j.tensor.cpu.BlasGemm;
import org.decoder4j.tensor.cpu.FloatExp;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.decoder4j.tensor.cpu.GeluTanhKernel;
import org.decoder4j.tensor.cpu.LayerNormKernel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One new position per sequence through a GPT-2 decoder with a key/value cache: the decoding step
 * of generation. It computes what the training forward computes for that one row (the same layer
 * norm and GELU arithmetic, attention over the cached keys), but on vectors: each projection is one
 * BLAS matrix-vector product on the weights' memory, the rest plain loops over a few hundred
 * floats. No ND4J array is made per op; building one costs more than a projection of a small model,
 * and a decoding step would otherwise build a few hundred.
 *
 * <p>Only float32 models with the tanh GELU on ND4J's CPU backend are handled
 * ({@link #supports}); the caller keeps its array path for the rest. An instance holds scratch
 * vectors and is not thread-safe.
 *
 * <pre>{@code
 * SinglePositionDecoder decoder = new SinglePositionDecoder(weights, contextLength);
 * float[] logits = new float[batch * vocab];
 * decoder.step(weights, ids, cache.length(), keys, values, logits);   // ids [B] at one position
 * }</pre>
 */
public final class SinglePositionDecoder {

    /**
     * The parameters of one pre-layer-norm block, each weight stored {@code [out, in]} as in
     * {@code torch.nn.Linear}: {@code x += proj(attn(ln1(x))); x += fcProj(gelu(fc(ln2(x))))}.
     *
     * @param ln1Gain    first layer norm's gain {@code [C]}
     * @param ln1Bias    first layer norm's bias {@code [C]}
     * @param query      {@code [C, C]}
     * @param queryBias  {@code [C]}
     * @param key        {@code [C, C]}
     * @param keyBias    {@code [C]}
     * @param value      {@code [C, C]}
     * @param valueBias  {@code [C]}
     * @param proj       attention output projection {@code [C, C]}
     * @param projBias   {@code [C]}
     * @param ln2Gain    second layer norm's gain {@code [C]}
     * @param ln2Bias    second layer norm's bias {@code [C]}
     * @param fc         feed-forward expansion {@code [4C, C]}
     * @param fcBias     {@code [4C]}
     * @param fcProj     feed-forward projection {@code [C, 4C]}
     * @param fcProjBias {@code [C]}
     */
    public record Block(INDArray ln1Gain, INDArray ln1Bias,
                        INDArray query, INDArray queryBias, INDArray key, INDArray keyBias,
                        INDArray value, INDArray valueBias, INDArray proj, INDArray projBias,
                        INDArray ln2Gain, INDArray ln2Bias,
                        INDArray fc, INDArray fcBias, INDArray fcProj, INDArray fcProjBias) {

        List<INDArray> arrays() {
            return List.of(ln1Gain, ln1Bias, query, queryBias, key, keyBias, value, valueBias, proj, projBias,
                    ln2Gain, ln2Bias, fc, fcBias, fcProj, fcProjBias);
        }
    }

    /**
     * A whole decoder: token embedding {@code [V, C]} (also the tied output head), position
     * embedding {@code [Tmax, C]}, the blocks, the final layer norm, the head count and the layer
     * norms' ε.
     *
     * @param tokenEmbedding    {@code [V, C]}, also the output head
     * @param positionEmbedding {@code [Tmax, C]}
     * @param blocks            the blocks in order
     * @param finalGain         the final layer norm's gain {@code [C]}
     * @param finalBias         the final layer norm's bias {@code [C]}
     * @param heads             attention heads
     * @param epsilon           the layer norms' ε
     */
    public record Weights(INDArray tokenEmbedding, INDArray positionEmbedding, List<Block> blocks,
                          INDArray finalGain, INDArray finalBias, int heads, double epsilon) {

        int embeddingSize() {
            return (int) tokenEmbedding.size(1);
        }

        int vocabSize() {
            return (int) tokenEmbedding.size(0);
        }
    }

    private final int c;
    private final int vocab;
    private final int heads;
    private final int headSize;
    private final int capacity;
    private final float scale;
    /** The residual stream {@code [C]}. */
    private final float[] x;
    /** A layer norm's output {@code [C]}, then the attention's output {@code [C]}. */
    private final float[] h;
    private final float[] normalized;
    private final float[] q;
    private final float[] k;
    private final float[] v;
    /** The feed-forward hidden layer {@code [4C]}. */
    private final float[] hidden;
    /** One head's attention weights over the cached positions {@code [≤ Tmax]}. */
    private final float[] scores;
    /** Scratch of the exponential of {@link #scores}. */
    private final float[] powers;
    private final float[] gain;
    private final float[] bias;
    private final float[] stats = new float[2];
    /** The vector operand and the result of a BLAS product, in native memory. */
    private final FloatPointer in;
    private final FloatPointer out;

    /**
     * Scratch for decoding with {@code weights} up to {@code capacity} positions.
     *
     * @param weights  the model whose steps this decoder computes
     * @param capacity the most positions a cache holds (the context length)
     */
    public SinglePositionDecoder(Weights weights, int capacity) {
        this.c = weights.embeddingSize();
        this.vocab = weights.vocabSize();
        this.heads = weights.heads();
        this.headSize = c / heads;
        this.capacity = capacity;
        this.scale = (float) (1.0 / Math.sqrt(headSize));
        this.x = new float[c];
        this.h = new float[c];
        this.normalized = new float[c];
        this.q = new float[c];
        this.k = new float[c];
        this.v = new float[c];
        this.hidden = new float[4 * c];
        this.scores = new float[capacity];
        this.powers = new float[capacity];
        this.gain = new float[c];
        this.bias = new float[Math.max(4 * c, vocab)];
        int longest = Math.max(Math.max(4 * c, vocab), capacity);
        this.in = new FloatPointer(longest);
        this.out = new FloatPointer(longest);
    }

    /**
     * Whether {@link #step} handles these weights: every array dense float32 in host memory, and
     * BLAS on hand.
     *
     * @param weights the model's arrays
     * @return true where {@link #step} applies
     */
    public static boolean supports(Weights weights) {
        if (!BlasGemm.supports(DataType.FLOAT) || weights.embeddingSize() % weights.heads() != 0) {
            return false;
        }
        boolean dense = FloatMemory.isDenseFloat(weights.tokenEmbedding())
                && FloatMemory.isDenseFloat(weights.positionEmbedding())
                && FloatMemory.isDenseFloat(weights.finalGain()) && FloatMemory.isDenseFloat(weights.finalBias());
        for (Block block : weights.blocks()) {
            for (INDArray a : block.arrays()) {
                dense &= FloatMemory.isDenseFloat(a);
            }
        }
        return dense;
    }

    /**
     * Logits for token {@code ids[b]} at {@code position} of sequence b, for every b; its key and
     * value are written to the caches at that position first.
     *
     * @param weights  the model's arrays, as given to the constructor
     * @param ids      one token per sequence {@code [B]}
     * @param position where the tokens sit: every sequence has {@code position} cached positions
     * @param keys     per layer {@code [B, H, Tmax, D]}, dense float32, positions {@code 0…position−1} filled
     * @param values   per layer, shaped as {@code keys}
     * @param logits   written: {@code [B, V]} row-major
     */
    public void step(Weights weights, int[] ids, int position, INDArray[] keys, INDArray[] values, float[] logits) {
        if (position >= capacity) {
            throw new IllegalArgumentException("position " + position + " is past the cache's " + capacity);
        }
        FloatPointer tokenTable = pointer(weights.tokenEmbedding());
        FloatPointer positionTable = pointer(weights.positionEmbedding());
        for (int b = 0; b < ids.length; b++) {
            tokenTable.position((long) ids[b] * c).get(x, 0, c);                 // x = wte[id] + wpe[pos]
            positionTable.position((long) position * c).get(h, 0, c);
            for (int j = 0; j < c; j++) {
                x[j] += h[j];
            }
            for (int layer = 0; layer < weights.blocks().size(); layer++) {
                block(weights.blocks().get(layer), weights.epsilon(), b, position, keys[layer], values[layer]);
            }
            layerNorm(x, weights.finalGain(), weights.finalBias(), weights.epsilon(), h);
            product(tokenTable, 0, vocab, c, h, 0, logits, b * vocab, false);    // (V), tied head
        }
    }

    /** {@code x += attn(ln1(x)); x += mlp(ln2(x))} for sequence {@code b}. */
    private void block(Block w, double epsilon, int b, int position, INDArray keyCache, INDArray valueCache) {
        layerNorm(x, w.ln1Gain(), w.ln1Bias(), epsilon, h);
        linear(w.query(), w.queryBias(), h, c, c, q);                           // (C) = (H·D)
        linear(w.key(), w.keyBias(), h, c, c, k);
        linear(w.value(), w.valueBias(), h, c, c, v);
        FloatPointer keyMemory = pointer(keyCache);
        FloatPointer valueMemory = pointer(valueCache);
        int positions = position + 1;
        for (int head = 0; head < heads; head++) {
            long base = ((long) b * heads + head) * capacity * headSize;         // cache[b, head] (Tmax, D)
            long at = base + (long) position * headSize;
            keyMemory.position(at).put(k, head * headSize, headSize);
            valueMemory.position(at).put(v, head * headSize, headSize);
            product(keyMemory, base, positions, headSize, q, head * headSize, scores, 0, false);   // (T) = K·q
            softmax(scores, positions);
            product(valueMemory, base, positions, headSize, scores, 0, h, head * headSize, true);  // (D) = Vᵀ·p
        }
        linear(w.proj(), w.projBias(), h, c, c, q);
        add(x, q, c);
        layerNorm(x, w.ln2Gain(), w.ln2Bias(), epsilon, h);
        linear(w.fc(), w.fcBias(), h, 4 * c, c, hidden);                        // (4C)
        GeluTanhKernel.apply(hidden, 4 * c);
        linear(w.fcProj(), w.fcProjBias(), hidden, c, 4 * c, q);                 // (C)
        add(x, q, c);
    }

    /** The attention weights of one query: {@code softmax(scale·s)} over its first {@code n} entries. */
    private void softmax(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            s[j] *= scale;
            max = Math.max(max, s[j]);
        }
        FloatExp.ofDifferenceInPlace(s, 0, n, max, powers);                     // as the training softmax
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += s[j];
        }
        float inverse = (float) (1.0 / sum);
        for (int j = 0; j < n; j++) {
            s[j] *= inverse;
        }
    }

    private void layerNorm(float[] row, INDArray gainArray, INDArray biasArray, double epsilon, float[] result) {
        FloatMemory.of(gainArray).get(0, gain, 0, c);
        FloatMemory.of(biasArray).get(0, bias, 0, c);
        System.arraycopy(row, 0, normalized, 0, c);
        LayerNormKernel.normalize(normalized, gain, bias, epsilon, result, 0, stats, stats);
    }

    /** {@code y[0…rows) = W·x + b}, W {@code [rows, cols]}. */
    private void linear(INDArray weight, INDArray biasArray, float[] vector, int rows, int cols, float[] y) {
        product(pointer(weight), 0, rows, cols, vector, 0, y, 0, false);
        FloatMemory.of(biasArray).get(0, bias, 0, rows);
        for (int i = 0; i < rows; i++) {
            y[i] += bias[i];
        }
    }

    /**
     * {@code y = A·x} ({@code A} the {@code rows × cols} row-major matrix at element {@code offset} of
     * {@code matrix}), or {@code y = Aᵀ·x} when {@code transposed}; vectors at the given offsets.
     */
    private void product(FloatPointer matrix, long offset, int rows, int cols, float[] vector, int vectorOffset,
                         float[] y, int yOffset, boolean transposed) {
        int inLength = transposed ? rows : cols;
        int outLength = transposed ? cols : rows;
        in.position(0).put(vector, vectorOffset, inLength);
        BlasGemm.matrixVector(matrix.position(offset), rows, cols, transposed, in.position(0), out.position(0));
        out.position(0).get(y, yOffset, outLength);
    }

    private static void add(float[] x, float[] y, int n) {
        for (int j = 0; j < n; j++) {
            x[j] += y[j];
        }
    }

    private static FloatPointer pointer(INDArray a) {
        return (FloatPointer) a.data().addressPointer();
    }
}
