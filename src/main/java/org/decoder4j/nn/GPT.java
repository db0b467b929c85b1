package org.decoder4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NativeRuntime;
import org.decoder4j.tensor.NoGrad;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A GPT-2-style decoder-only transformer: token and position embeddings, {@code layers}
 * pre-layer-norm blocks of causal self-attention and a GELU feed-forward network, a final layer
 * norm, and a language-model head tied to the token embedding.
 *
 * <pre>{@code
 * GPT model = GPT.builder()
 *         .vocabSize(65).contextLength(64)
 *         .layers(4).heads(4).embeddingSize(128)
 *         .dropout(0.0).seed(1337)
 *         .build();
 * Tensor logits = model.forward(ids);     // ids [B, T] -> logits [B, T, 65]
 * }</pre>
 *
 * <p>Initialisation follows GPT-2: weights Normal(0, 0.02), the two projections that write into
 * the residual stream Normal(0, 0.02/√(2·layers)), biases 0, layer-norm gains 1.
 */
public final class GPT extends Module {

    static {
        NativeRuntime.configure();
    }

    private static final Map<Long, INDArray> POSITIONS = new ConcurrentHashMap<>();

    private final GPTConfig config;
    private final DataType dataType;
    private final Embedding wte;
    private final Embedding wpe;
    private final Dropout drop;
    private final List<DecoderBlock> blocks;
    private final LayerNorm lnF;
    private final Random dropoutRandom;
    private final ParameterBuffer parameterBuffer;

    /** Builds a freshly initialised model; {@code seed} fixes the weights and the dropout masks. */
    public GPT(GPTConfig config, long seed, DataType dataType) {
        this(config, seed, dataType, new Initializer(seed, dataType));
    }

    /** A model whose weights are zero until loaded (no random initialisation). */
    static GPT forLoading(GPTConfig config, DataType dataType) {
        return new GPT(config, 0, dataType, Initializer.forLoading(dataType));
    }

    private GPT(GPTConfig config, long seed, DataType dataType, Initializer init) {
        ModelMemory.check(config, dataType.width(), 1, "GPT");           // before any weight is allocated
        this.config = config;
        this.dataType = dataType;
        this.dropoutRandom = Nd4j.getRandomFactory().getNewRandomInstance(seed + 1);
        this.wte = registerModule("wte", new Embedding(config.vocabSize(), config.embeddingSize(), init));
        this.wpe = registerModule("wpe", new Embedding(config.contextLength(), config.embeddingSize(), init));
        this.drop = registerModule("drop", new Dropout(config.dropout(), dropoutRandom));
        List<DecoderBlock> list = new ArrayList<>();
        Blocks h = registerModule("h", new Blocks());
        for (int i = 0; i < config.layers(); i++) {
            list.add(h.add(new DecoderBlock(config, init, dropoutRandom)));
        }
        this.blocks = Collections.unmodifiableList(list);
        this.lnF = registerModule("ln_f", new LayerNorm(config.embeddingSize(), config.layerNormEpsilon(), init));
        // Matrices first, then vectors: the default optimizer groups (decay on rank >= 2 only)
        // are then two contiguous ranges, each updated with a few native calls.
        List<Tensor> ordered = new ArrayList<>();
        parameters().stream().filter(p -> p.rank() >= 2).forEach(ordered::add);
        parameters().stream().filter(p -> p.rank() < 2).forEach(ordered::add);
        this.parameterBuffer = ParameterBuffer.pack(ordered);
    }

    /** The numbered list of blocks, so that their parameters are named {@code h.0.…}, {@code h.1.…}. */
    private static final class Blocks extends Module {
        private int count;

        DecoderBlock add(DecoderBlock block) {
            return registerModule(Integer.toString(count++), block);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Next-token logits for every position.
     *
     * @param ids token ids {@code [B, T]} (any integer type), T ≤ context length
     * @return logits {@code [B, T, vocabSize]}
     */
    public Tensor forward(INDArray ids) {
        return head(hidden(ids));
    }

    /** The language-model head: logits {@code [B, T, V]} from hidden states {@code [B, T, C]}. */
    public Tensor head(Tensor hidden) {
        long b = hidden.shape()[0];
        long t = hidden.shape()[1];
        Tensor logits = hidden.reshape(b * t, config.embeddingSize())
                .matmul(wte.weight(), false, true);                             // (B·T, V), tied head
        return logits.reshape(b, t, config.vocabSize());                        // (B, T, V)
    }

    /**
     * The final hidden states (after the last layer norm) that the head turns into logits; a
     * value head reads them too.
     *
     * @param ids token ids {@code [B, T]}, T ≤ context length
     * @return {@code [B, T, embeddingSize]}
     */
    public Tensor hidden(INDArray ids) {
        if (ids.rank() != 2) {
            throw new IllegalArgumentException("GPT.forward needs token ids [B, T], got shape "
                    + java.util.Arrays.toString(ids.shape()));
        }
        long t = ids.size(1);
        if (t > config.contextLength()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds the model's context length "
                    + config.contextLength());
        }
        Tensor tok = wte.forward(ids);                                          // (B, T, C)
        Tensor pos = wpe.forward(positions(t));                                 // (T, C)
        Tensor x = drop.forward(tok.add(pos));                                  // (B, T, C)
        for (DecoderBlock block : blocks) {
            x = block.forward(x);                                               // (B, T, C)
        }
        return lnF.forward(x);                                                  // (B, T, C)
    }

    /**
     * Next-token logits for new positions, for inference with a key/value cache: {@code ids} are
     * the tokens at positions {@code cache.length()…cache.length()+T−1}; each attends to all cached
     * positions before it, and their keys and values are added to the cache. The logits equal
     * those of {@link #forward} over the whole sequence so far. Records no autograd graph.
     *
     * <pre>{@code
     * model.eval();
     * KvCache cache = KvCache.forModel(model, 1);
     * Tensor prefill = model.forwardCached(prompt, cache);      // prompt [1, T] -> [1, T, V]
     * Tensor step = model.forwardCached(nextId, cache);         // nextId [1, 1] -> [1, 1, V]
     * }</pre>
     *
     * @param ids   token ids {@code [B, T]}, B the cache's batch size
     * @param cache the positions seen so far; it holds at most {@code contextLength} of them
     * @return logits {@code [B, T, vocabSize]}
     * @throws IllegalStateException when the model is in training mode (dropout would apply)
     */
    public Tensor forwardCached(INDArray ids, KvCache cache) {
        if (isTraining()) {
            throw new IllegalStateException("forwardCached is for inference: call model.eval() first");
        }
        if (ids.rank() != 2 || ids.size(0) != cache.batchSize()) {
            throw new IllegalArgumentException("GPT.forwardCached needs token ids [" + cache.batchSize()
                    + ", T] for a cache of batch size " + cache.batchSize() + ", got shape "
                    + java.util.Arrays.toString(ids.shape()));
        }
        long b = ids.size(0);
        long t = ids.size(1);
        long from = cache.length();
        if (from + t > cache.capacity()) {
            throw new IllegalArgumentException("the cache holds " + from + " positions; " + t
                    + " more exceed the model's context length " + config.contextLength()
                    + " (clear the cache and feed a cropped window)");
        }
        long c = config.embeddingSize();
        try (NoGrad ignored = NoGrad.enter()) {
            Tensor tok = wte.forward(ids);                                      // (B, T, C)
            Tensor pos = wpe.forward(Nd4j.arange(from, from + t).castTo(DataType.INT64));  // (T, C)
            Tensor x = tok.add(pos);                                            // (B, T, C)
            for (int layer = 0; layer < blocks.size(); layer++) {
                x = blocks.get(layer).forwardCached(x, cache, layer, from);      // (B, T, C)
            }
            x = lnF.forward(x);                                                 // (B, T, C)
            Tensor logits = x.reshape(b * t, c).matmul(wte.weight(), false, true);  // (B·T, V), tied head
            cache.advance((int) t);
            return logits.reshape(b, t, config.vocabSize());                    // (B, T, V)
        }
    }

    private static INDArray positions(long t) {
        return POSITIONS.computeIfAbsent(t, n -> MemoryScope.persistent(() -> Nd4j.arange(0, n).castTo(DataType.INT64)));
    }

    /** Writes this model as a Hugging Face GPT-2 directory (config.json, model.safetensors). */
    public void save(java.nio.file.Path dir) throws java.io.IOException {
        HuggingFaceGpt2.save(this, dir);
    }

    /** Loads a Hugging Face GPT-2 directory (float32). */
    public static GPT load(java.nio.file.Path dir) throws java.io.IOException {
        return HuggingFaceGpt2.load(dir);
    }

    /**
     * A pretrained GPT-2 from the Hugging Face Hub, as transformers' {@code from_pretrained} gives
     * it: {@code ORG/NAME} at branch {@code main}, or {@code ORG/NAME@REVISION} at a branch, tag or
     * commit. Its {@code config.json} and {@code model.safetensors} are downloaded into the cache
     * shared with Python's {@code huggingface_hub} (so a model either one fetched, the other finds)
     * and loaded as float32. The environment variables HF_ENDPOINT, HF_HUB_CACHE, HF_HOME,
     * HF_HUB_OFFLINE and HF_TOKEN mean what they mean to {@code huggingface_hub}.
     *
     * <pre>{@code
     * GPT gpt2 = GPT.fromPretrained("openai-community/gpt2");
     * Tokenizer tok = Tokenizer.fromPretrained("openai-community/gpt2");
     * String text = Generator.of(gpt2, tok).generate("Hello, I'm a language model,", Sampling.topK(40), 30);
     * }</pre>
     *
     * @throws java.io.IOException if a file cannot be fetched (offline: is not cached), the
     *     repository has no safetensors weights (a pickle-only one is refused, saying how to
     *     convert it), or its model_type is not gpt2
     */
    public static GPT fromPretrained(String repository) throws java.io.IOException {
        return fromPretrained(repository, org.decoder4j.hub.HuggingFaceHub.fromEnvironment());
    }

    /** Like {@link #fromPretrained(String)}, from the given Hub and cache. */
    public static GPT fromPretrained(String repository, org.decoder4j.hub.HuggingFaceHub hub) throws java.io.IOException {
        return PretrainedGpt2.load(repository, hub);
    }

    /**
     * Restarts the generator of the dropout masks from {@code seed}. A trainer that reseeds it
     * from the step number each step makes the masks of step k independent of what ran before,
     * so a run resumed from a checkpoint draws the same masks as an uninterrupted one.
     */
    public void reseedDropout(long seed) {
        dropoutRandom.setSeed(seed);
    }

    /**
     * Model FLOPs of one training token (forward and backward) at context {@code t}, as nanoGPT
     * estimates them: {@code 6·N + 12·L·C·T}, with N the parameters that take part in matrix
     * products (all but the position embedding) and the second term the attention products.
     */
    public double trainingFlopsPerToken(int t) {
        long n = parameterCount() - wpe.weight().value().length();
        return 6.0 * n + 12.0 * config.layers() * config.embeddingSize() * t;
    }

    /**
     * The flat arrays holding every parameter and every gradient (matrices first, then vectors):
     * the whole model as one vector, for example to send it to another process.
     *
     * <pre>{@code
     * float[] weights = model.parameterBuffer().values().toFloatVector();
     * replica.parameterBuffer().values().assign(Nd4j.createFromArray(weights));
     * }</pre>
     */
    public ParameterBuffer parameterBuffer() {
        return parameterBuffer;
    }

    public GPTConfig config() {
        return config;
    }

    public DataType dataType() {
        return dataType;
    }

    /** The token embedding, also the output head's weight. */
    public Embedding tokenEmbedding() {
        return wte;
    }

    public Embedding positionEmbedding() {
        return wpe;
    }

    public List<DecoderBlock> blocks() {
        return blocks;
    }

    /** Fluent construction of a {@link GPT}; defaults are the Shakespeare character recipe's. */
    public static final class Builder {
        private int vocabSize = 65;
        private int contextLength = 64;
        private int layers = 4;
        private int heads = 4;
        private int embeddingSize = 128;
        private double dropout = 0.0;
        private double layerNormEpsilon = 1e-5;
        private Activation activation = Activation.GELU_TANH;
        private long seed = 1337;
        private DataType dataType = DataType.FLOAT;

        private Builder() {
        }

        public Builder vocabSize(int v) {
            this.vocabSize = v;
            return this;
        }

        public Builder contextLength(int t) {
            this.contextLength = t;
            return this;
        }

        public Builder layers(int n) {
            this.layers = n;
            return this;
        }

        public Builder heads(int n) {
            this.heads = n;
            return this;
        }

        public Builder embeddingSize(int c) {
            this.embeddingSize = c;
            return this;
        }

        public Builder dropout(double p) {
            this.dropout = p;
            return this;
        }

        public Builder layerNormEpsilon(double eps) {
            this.layerNormEpsilon = eps;
            return this;
        }

        public Builder activation(Activation a) {
            this.activation = a;
            return this;
        }

        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** FLOAT (default) for training; DOUBLE for numerical checks. */
        public Builder dataType(DataType type) {
            this.dataType = type;
            return this;
        }

        /** Takes every shape field from a config. */
        public Builder config(GPTConfig c) {
            return vocabSize(c.vocabSize()).contextLength(c.contextLength()).layers(c.layers()).heads(c.heads())
                    .embeddingSize(c.embeddingSize()).dropout(c.dropout()).layerNormEpsilon(c.layerNormEpsilon())
                    .activation(c.activation());
        }

        public GPT build() {
            GPTConfig config = new GPTConfig(vocabSize, contextLength, layers, heads, embeddingSize, dropout,
                    layerNormEpsilon, activation);
            return new GPT(config, seed, dataType);
        }
    }
}
