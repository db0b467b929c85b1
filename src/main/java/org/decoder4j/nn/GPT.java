package org.decoder4j.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.decoder4j.tensor.ComputeEngine;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.ParameterBuffer;
import org.decoder4j.tensor.SinglePositionDecoder;
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
        ComputeEngine.configure();
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

    /**
     * Builds a freshly initialised model; {@code seed} fixes the weights and the dropout masks.
     *
     * @param config the model's shape
     * @param seed seed of the weights and of the dropout masks
     * @param dataType FLOAT for training, DOUBLE for numerical checks
     */
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

    /**
     * A builder whose settings default to the Shakespeare character recipe's; the vocabulary size must be given.
     *
     * @return a new builder
     */
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

    /**
     * Next-token logits for every position, for a caller that says which operations read them: a
     * training step whose logits only the cross-entropy reads passes
     * {@link OutputReaders#CROSS_ENTROPY_ONLY}, and under native bfloat16 autocast gets them in
     * bfloat16, in half the memory.
     *
     * <pre>{@code
     * Tensor loss = Loss.crossEntropy(model.forward(ids, OutputReaders.CROSS_ENTROPY_ONLY), targets);
     * }</pre>
     *
     * @param ids token ids {@code [B, T]} (any integer type), T ≤ context length
     * @param readers which operations read the logits
     * @return logits {@code [B, T, vocabSize]}
     */
    public Tensor forward(INDArray ids, OutputReaders readers) {
        return head(hidden(ids), readers);
    }

    /**
     * The language-model head: logits {@code [B, T, V]} from hidden states {@code [B, T, C]}.
     *
     * @param hidden the final layer norm's output {@code [B, T, C]}
     * @return logits {@code [B, T, V]}
     */
    public Tensor head(Tensor hidden) {
        return head(hidden, OutputReaders.ANY_OP);
    }

    /**
     * The language-model head, for logits that only {@code readers} read ({@link #forward(INDArray, OutputReaders)}).
     *
     * @param hidden the final layer norm's output {@code [B, T, C]}
     * @param readers which operations read the logits
     * @return logits {@code [B, T, V]}
     */
    public Tensor head(Tensor hidden, OutputReaders readers) {
        long b = hidden.shape()[0];
        long t = hidden.shape()[1];
        Tensor logits = hidden.reshape(b * t, config.embeddingSize())
                .matmul(wte.weight(), false, true, readers);                    // (B·T, V), tied head
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
        if (t == 1 && hasDecodingStep()) {
            int[] tokens = ids.reshape(b).toIntVector();
            return Tensor.constant(Nd4j.create(decodeStep(tokens, cache), new long[] {b, 1, config.vocabSize()}));
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

    /**
     * The logits of one new token per sequence, the tokens at position {@code cache.length()}, for
     * inference with a key/value cache: what {@link #forwardCached} returns for ids {@code [B, 1]},
     * as a plain array. Generation calls it once per token; for float32 models with the tanh GELU
     * it runs {@link SinglePositionDecoder}, which builds no ND4J array.
     *
     * <pre>{@code
     * model.forwardCached(prompt, cache);                        // prefill
     * float[] logits = model.decodeStep(new int[] {next}, cache); // [V] for a cache of batch 1
     * }</pre>
     *
     * @param tokens one token id per sequence {@code [B]}, B the cache's batch size
     * @param cache  the positions seen so far; the tokens go to position {@code cache.length()}
     * @return logits {@code [B, vocabSize]} row-major
     */
    public float[] decodeStep(int[] tokens, KvCache cache) {
        if (isTraining()) {
            throw new IllegalStateException("decodeStep is for inference: call model.eval() first");
        }
        if (tokens.length != cache.batchSize()) {
            throw new IllegalArgumentException("GPT.decodeStep needs " + cache.batchSize()
                    + " tokens for a cache of batch size " + cache.batchSize() + ", got " + tokens.length);
        }
        int position = cache.length();
        if (position >= cache.capacity()) {
            throw new IllegalArgumentException("the cache holds " + position + " positions; one more exceeds the "
                    + "model's context length " + config.contextLength()
                    + " (clear the cache and feed a cropped window)");
        }
        for (int token : tokens) {
            if (token < 0 || token >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
        if (!hasDecodingStep()) {
            INDArray ids = Nd4j.createFromArray(tokens).castTo(DataType.INT64).reshape(tokens.length, 1);
            return forwardCached(ids, cache).value().castTo(DataType.FLOAT).reshape(-1).toFloatVector();
        }
        SinglePositionDecoder.Weights weights = decodingWeights();
        float[] logits = new float[tokens.length * config.vocabSize()];
        cache.decoder(weights).step(weights, tokens, position, cache.keyBuffers(), cache.valueBuffers(), logits);
        cache.advance(1);
        return logits;
    }

    /** Whether {@link #decodeStep} has its array-free path for this model. */
    private boolean hasDecodingStep() {
        return config.activation() == Activation.GELU_TANH && SinglePositionDecoder.supports(decodingWeights());
    }

    private SinglePositionDecoder.Weights decodingWeights() {
        List<SinglePositionDecoder.Block> layers = new ArrayList<>(blocks.size());
        for (DecoderBlock block : blocks) {
            layers.add(block.decodingWeights());
        }
        return new SinglePositionDecoder.Weights(wte.weight().value(), wpe.weight().value(), layers,
                lnF.weight().value(), lnF.bias().value(), config.heads(), config.layerNormEpsilon());
    }

    private static INDArray positions(long t) {
        return POSITIONS.computeIfAbsent(t, n -> MemoryScope.persistent(() -> Nd4j.arange(0, n).castTo(DataType.INT64)));
    }

    /**
     * Writes this model as a Hugging Face GPT-2 directory (config.json, model.safetensors).
     *
     * @param dir the model directory, created if missing
     * @throws java.io.IOException if a file cannot be written
     */
    public void save(java.nio.file.Path dir) throws java.io.IOException {
        HuggingFaceGpt2.save(this, dir);
    }

    /**
     * Loads a Hugging Face GPT-2 directory (float32).
     *
     * @param dir a model directory
     * @return the model
     * @throws java.io.IOException if a file is missing or malformed
     */
    public static GPT load(java.nio.file.Path dir) throws java.io.IOException {
        return HuggingFaceGpt2.load(dir);
    }

    /**
     * Loads a Hugging Face GPT-2 directory (float32) for further training with the dropout
     * probability {@code dropout}. With the saved probability this is {@link #load(java.nio.file.Path)};
     * with another one the model is built for it (dropout masks drawn from {@code seed}) and the
     * saved weights are copied in.
     *
     * <pre>{@code
     * GPT model = GPT.load(Path.of("out"), 0.1, 1337);   // continue training with dropout 0.1
     * }</pre>
     *
     * @param dir     a model directory
     * @param dropout the dropout probability to train with
     * @param seed    the seed of the dropout masks when the model is rebuilt
     * @return the model
     * @throws java.io.IOException if a file is missing or malformed
     */
    public static GPT load(java.nio.file.Path dir, double dropout, long seed) throws java.io.IOException {
        GPTConfig saved = HuggingFaceGpt2.readConfig(dir.resolve(HuggingFaceGpt2.CONFIG_FILE));
        if (dropout == saved.dropout()) {
            return load(dir);
        }
        GPT model = new GPT(saved.withDropout(dropout), seed, DataType.FLOAT);
        java.nio.file.Path weights = dir.resolve(HuggingFaceGpt2.WEIGHTS_FILE);
        HuggingFaceGpt2.loadStateDict(model, org.decoder4j.io.SafeTensors.read(weights), weights.toString());
        return model;
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
     * String text = Generator.of(gpt2, tok).generate("Hello, I'm a language model,", Sampling.random().topK(40), 30);
     * }</pre>
     *
     * @param repository {@code ORG/NAME} or {@code ORG/NAME@REVISION}
     * @return the model, float32
     * @throws java.io.IOException if a file cannot be fetched (offline: is not cached), the
     *     repository has no safetensors weights (a pickle-only one is refused, saying how to
     *     convert it), or its model_type is not gpt2
     */
    public static GPT fromPretrained(String repository) throws java.io.IOException {
        return fromPretrained(repository, org.decoder4j.hub.HuggingFaceHub.fromEnvironment());
    }

    /**
     * Like {@link #fromPretrained(String)}, from the given Hub and cache.
     *
     * @param repository {@code ORG/NAME} or {@code ORG/NAME@REVISION}
     * @param hub        the endpoint, cache and token to use
     * @return the model
     * @throws java.io.IOException as {@link #fromPretrained(String)}
     */
    public static GPT fromPretrained(String repository, org.decoder4j.hub.HuggingFaceHub hub) throws java.io.IOException {
        return PretrainedGpt2.load(repository, hub);
    }

    /**
     * Restarts the generator of the dropout masks from {@code seed}. A trainer that reseeds it
     * from the step number each step makes the masks of step k independent of what ran before,
     * so a run resumed from a checkpoint draws the same masks as an uninterrupted one.
     *
     * @param seed the new seed
     */
    public void reseedDropout(long seed) {
        dropoutRandom.setSeed(seed);
    }

    /**
     * Model FLOPs of one training token (forward and backward) at context {@code t}, as nanoGPT
     * estimates them: {@code 6·N + 12·L·C·T}, with N the parameters that take part in matrix
     * products (all but the position embedding) and the second term the attention products.
     *
     * @param t the context length
     * @return FLOPs per token
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
     *
     * @return the parameter buffer
     */
    public ParameterBuffer parameterBuffer() {
        return parameterBuffer;
    }

    /**
     * The model's shape.
     *
     * @return the configuration
     */
    public GPTConfig config() {
        return config;
    }

    /**
     * The type of the weights.
     *
     * @return FLOAT or DOUBLE
     */
    public DataType dataType() {
        return dataType;
    }

    /**
     * The token embedding, also the output head's weight.
     *
     * @return the token embedding
     */
    public Embedding tokenEmbedding() {
        return wte;
    }

    /**
     * The position embedding.
     *
     * @return the position embedding
     */
    public Embedding positionEmbedding() {
        return wpe;
    }

    /**
     * The decoder blocks, first to last.
     *
     * @return the blocks, unmodifiable
     */
    public List<DecoderBlock> blocks() {
        return blocks;
    }

    /**
     * Fluent construction of a {@link GPT}. The vocabulary size is required (it depends on the
     * tokenizer); every other setting defaults to the Shakespeare character recipe's: context 64,
     * 4 layers, 4 heads, 128 channels, no dropout, seed 1337, float32.
     */
    public static final class Builder {
        private int vocabSize;
        /** False until {@link #vocabSize(int)} is called: there is no sensible default. */
        private boolean vocabSizeSet;
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

        /**
         * The number of token ids; required.
         *
         * @param v the tokenizer's vocabulary size (or more, padded)
         * @return this builder
         */
        public Builder vocabSize(int v) {
            this.vocabSize = v;
            this.vocabSizeSet = true;
            return this;
        }

        /**
         * The context length T, GPT-2's {@code n_positions} (default 64).
         *
         * @param t the longest sequence the model reads
         * @return this builder
         */
        public Builder contextLength(int t) {
            this.contextLength = t;
            return this;
        }

        /**
         * The number of decoder blocks (default 4).
         *
         * @param n {@code >= 1}
         * @return this builder
         */
        public Builder layers(int n) {
            this.layers = n;
            return this;
        }

        /**
         * The attention heads per block (default 4).
         *
         * @param n a divisor of the channels
         * @return this builder
         */
        public Builder heads(int n) {
            this.heads = n;
            return this;
        }

        /**
         * The channels C (default 128).
         *
         * @param c a multiple of the number of heads
         * @return this builder
         */
        public Builder embeddingSize(int c) {
            this.embeddingSize = c;
            return this;
        }

        /**
         * The dropout probability (default 0).
         *
         * @param p in [0, 1)
         * @return this builder
         */
        public Builder dropout(double p) {
            this.dropout = p;
            return this;
        }

        /**
         * The epsilon of every layer norm (default 1e-5, GPT-2's).
         *
         * @param eps {@code > 0}
         * @return this builder
         */
        public Builder layerNormEpsilon(double eps) {
            this.layerNormEpsilon = eps;
            return this;
        }

        /**
         * The feed-forward activation (default GPT-2's tanh GELU).
         *
         * @param a the activation
         * @return this builder
         */
        public Builder activation(Activation a) {
            this.activation = a;
            return this;
        }

        /**
         * The seed of the initial weights and the dropout masks (default 1337).
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * FLOAT (default) for training; DOUBLE for numerical checks.
         *
         * @param type FLOAT or DOUBLE
         * @return this builder
         */
        public Builder dataType(DataType type) {
            this.dataType = type;
            return this;
        }

        /**
         * Takes every shape field from a config.
         *
         * @param c the configuration to copy
         * @return this builder
         */
        public Builder config(GPTConfig c) {
            return vocabSize(c.vocabSize()).contextLength(c.contextLength()).layers(c.layers()).heads(c.heads())
                    .embeddingSize(c.embeddingSize()).dropout(c.dropout()).layerNormEpsilon(c.layerNormEpsilon())
                    .activation(c.activation());
        }

        /**
         * The model, with freshly initialised weights.
         *
         * @return a new model
         * @throws IllegalStateException if {@link #vocabSize(int)} was not called
         * @throws IllegalArgumentException if a setting is out of range
         */
        public GPT build() {
            if (!vocabSizeSet) {
                throw new IllegalStateException("the vocabulary size is not set: call vocabSize(n) with the "
                        + "tokenizer's size, e.g. GPT.builder().vocabSize(tokenizer.vocabSize())");
            }
            GPTConfig config = new GPTConfig(vocabSize, contextLength, layers, heads, embeddingSize, dropout,
                    layerNormEpsilon, activation);
            return new GPT(config, seed, dataType);
        }
    }
}
