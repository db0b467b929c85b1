package org.decoder4j.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.KvCache;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.Optimizer;
import org.decoder4j.tensor.Autocast;
import org.decoder4j.tensor.CausalAttentionOp;
import org.decoder4j.tensor.GeluOp;
import org.decoder4j.tensor.LayerNormOp;
import org.decoder4j.tensor.LinearOp;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The hot ops of a training step at the Shakespeare recipe's shapes (B 12, T 64, C 128, H 4,
 * vocabulary 65; N = B·T = 768 rows), each forward and backward, plus one AdamW update of the
 * whole model and the GPT-2 small shape's largest product (float32, and bfloat16 under autocast),
 * and the recipe model's generation: 32 tokens through the key/value cache's one-token step. Run
 * on demand:
 *
 * <pre>
 * mvn -q -Pjmh test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
 *     -Dexec.args="-cp %classpath org.openjdk.jmh.Main OpBenchmarks"
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class OpBenchmarks {

    private Tensor x;             // [768, 128]
    private Tensor hidden;        // [768, 512]
    private Tensor fcWeight;      // [512, 128]
    private Tensor fcBias;        // [512]
    private Tensor gain;          // [128]
    private Tensor shift;         // [128]
    private Tensor q;             // [12, 4, 64, 32]
    private Tensor k;
    private Tensor v;
    private Tensor logits;        // [12, 64, 65]
    private INDArray targets;     // [12, 64]
    private GPT model;
    private Optimizer adamw;
    private Tensor gpt2Input;     // [1024, 768]
    private Tensor gpt2Weight;    // [3072, 768]
    private Tensor gpt2Bias;      // [3072]
    private KvCache cache;        // the recipe model's, batch 1

    private static Tensor parameter(long... shape) {
        return Tensor.parameter(Nd4j.randn(DataType.FLOAT, shape).muli(0.02));
    }

    @Setup
    public void setUp() {
        Nd4j.getRandom().setSeed(1);
        x = parameter(768, 128);
        hidden = parameter(768, 512);
        fcWeight = parameter(512, 128);
        fcBias = parameter(512);
        gain = Tensor.parameter(Nd4j.ones(DataType.FLOAT, 128));
        shift = parameter(128);
        q = parameter(12, 4, 64, 32);
        k = parameter(12, 4, 64, 32);
        v = parameter(12, 4, 64, 32);
        logits = parameter(12, 64, 65);
        targets = Nd4j.randn(DataType.FLOAT, 12, 64).muli(20).castTo(DataType.INT64);
        targets = org.nd4j.linalg.ops.transforms.Transforms.abs(targets.castTo(DataType.FLOAT)).castTo(DataType.INT64)
                .fmodi(65);
        model = GPT.builder().vocabSize(65).contextLength(64).layers(4).heads(4).embeddingSize(128).seed(1).build();
        adamw = AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1).create(model.parameters());
        for (Tensor p : model.parameters()) {
            p.backward(Nd4j.randn(DataType.FLOAT, p.shape()).muli(1e-3));
        }
        gpt2Input = parameter(1024, 768);
        gpt2Weight = parameter(3072, 768);
        gpt2Bias = parameter(3072);
        cache = KvCache.forModel(model, 1);
    }

    private static void backward(Tensor out) {
        out.backward(Nd4j.onesLike(out.value()));
    }

    @Benchmark
    public void linear128to512() {
        try (MemoryScope scope = MemoryScope.open()) {
            backward(LinearOp.apply(x, fcWeight, fcBias));
        }
    }

    @Benchmark
    public void layerNorm() {
        try (MemoryScope scope = MemoryScope.open()) {
            backward(LayerNormOp.apply(x, gain, shift, 1e-5));
        }
    }

    @Benchmark
    public void geluTanh() {
        try (MemoryScope scope = MemoryScope.open()) {
            backward(GeluOp.tanh(hidden));
        }
    }

    @Benchmark
    public void causalAttention() {
        try (MemoryScope scope = MemoryScope.open()) {
            backward(CausalAttentionOp.apply(q, k, v, 0.0, null));
        }
    }

    @Benchmark
    public void crossEntropy() {
        try (MemoryScope scope = MemoryScope.open()) {
            Loss.crossEntropy(logits, targets).backward();
        }
    }

    @Benchmark
    public void adamwUpdateOfTheRecipeModel() {
        try (MemoryScope scope = MemoryScope.open()) {
            adamw.step();
        }
    }

    @Benchmark
    public void gpt2SmallMlpProductForward() {
        try (MemoryScope scope = MemoryScope.open()) {
            LinearOp.apply(gpt2Input, gpt2Weight, null);
        }
    }

    @Benchmark
    public void gpt2SmallMlpProductForwardBfloat16() {
        try (MemoryScope scope = MemoryScope.open();
             Autocast autocast = Autocast.open(DataType.BFLOAT16, List.of(gpt2Weight))) {
            LinearOp.apply(gpt2Input, gpt2Weight, null);
        }
    }

    /** The same with the layer's bias, which oneDNN adds to the float32 sums before rounding once. */
    @Benchmark
    public void gpt2SmallMlpLinearForwardBfloat16() {
        try (MemoryScope scope = MemoryScope.open();
             Autocast autocast = Autocast.open(DataType.BFLOAT16, List.of(gpt2Weight, gpt2Bias))) {
            LinearOp.apply(gpt2Input, gpt2Weight, gpt2Bias);
        }
    }

    @Benchmark
    public void linear128to512Bfloat16() {
        try (MemoryScope scope = MemoryScope.open();
             Autocast autocast = Autocast.open(DataType.BFLOAT16, List.of(fcWeight))) {
            backward(LinearOp.apply(x, fcWeight, fcBias));
        }
    }

    /** One prompt token, then 32 generated ones: the per-token cost is a 32nd of this. */
    @Benchmark
    public float decode32TokensOfTheRecipeModel() {
        model.eval();
        cache.clear();
        float sum = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            model.forwardCached(Nd4j.createFromArray(new long[][] {{1}}), cache);
            for (int t = 0; t < 32; t++) {
                float[] logits = model.decodeStep(new int[] {t % 65}, cache);
                sum += logits[0];
            }
        }
        return sum;
    }
}
