package org.decoder4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.data.tokens.TokenFileWriter;
import org.decoder4j.distributed.SparkDataParallel;
import org.decoder4j.distributed.StepTiming;
import org.decoder4j.nn.GPT;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.tensor.ComputeEngine;
import org.decoder4j.train.ResidentMemory;
import org.decoder4j.train.StepResult;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code decoder4j bench}: the training step of a recipe, timed, on random tokens, with evaluation
 * and checkpoints off.
 */
@Command(name = "bench",
        header = "Time the training step of a model shape on random tokens.",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Trains a freshly initialised model on random tokens with the Shakespeare recipe's optimizer "
                    + "(AdamW 1e-3, betas 0.9/0.99, weight decay 0.1, clipping 1.0), no evaluation, no checkpoints, "
                    + "and prints the median step time after the warm-up, tokens per second, the model's FLOPs "
                    + "per token (nanoGPT's estimate 6N + 12LCT), the GFLOP/s that achieves, and peak resident memory.",
            "Defaults: the Shakespeare character recipe (4 layers, 4 heads, 128 channels, context 64, batch 12, "
                    + "vocabulary 65). The GPT-2 small shape: --layers 12 --heads 12 --embd 768 --context 256 "
                    + "--batch-size 4."
        })
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** --context, --layers, --heads, --embd, --vocab-size, --dropout: the recipe's shape by default. */
    @Mixin
    ModelShapeFlags shape;

    @Option(names = "--batch-size", defaultValue = "12", description = "Windows per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--steps", defaultValue = "50", description = "Timed steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "5",
            description = "Steps run first and not timed (default: ${DEFAULT-VALUE}). The JVM compiles the step's "
                    + "code during the first tens of steps (about 50 of the Shakespeare recipe's); for steady-state "
                    + "figures of a small model use --warmup 100.")
    int warmup;

    /** --precision, --loss-scale. */
    @Mixin
    PrecisionFlags precision;

    @Option(names = "--seed", defaultValue = "1337", description = "Weights and tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    /** The vocabulary of the recipe, Tiny Shakespeare's characters. */
    private static final int DEFAULT_VOCAB = 65;

    // the shape of this run, from the flags
    private int layers;
    private int heads;
    private int embd;
    private int context;
    private int vocabSize;

    /** --spark-master, --spark-workers: time a data-parallel step and break it down. */
    @Mixin
    SparkFlags sparkFlags;

    @Override
    public Integer call() throws IOException {
        shape.check(true);
        precision.check();
        Flags.positive(spec, "--batch-size", batchSize);
        Flags.positive(spec, "--steps", steps);
        Flags.nonNegative(spec, "--warmup", warmup);
        GPTConfig config = shape.newConfig(shape.vocabSize != null ? shape.vocabSize : DEFAULT_VOCAB);
        if (config.vocabSize() > 65_535) {
            throw Flags.usage(spec, "--vocab-size must be at most 65535 (uint16 tokens), got " + config.vocabSize());
        }
        layers = config.layers();
        heads = config.heads();
        embd = config.embeddingSize();
        context = config.contextLength();
        vocabSize = config.vocabSize();
        Precision policy = precision.precision;
        sparkFlags.checkBatch("--batch-size", batchSize);
        GPT model = GPT.builder().config(config).seed(seed).build();
        if (sparkFlags.requested()) {
            return distributed(model, policy);
        }
        List<Double> millis = new ArrayList<>();
        long[] cpuNanos = new long[2];                                          // at the end of warm-up, at the end
        cpuNanos[0] = processCpuNanos();
        trainer(model, randomTokens(), policy)
                .listener(new TrainingListener() {
                    @Override
                    public void onStep(StepResult s) {
                        if (s.step() >= warmup) {
                            millis.add(s.millis());
                        } else {
                            cpuNanos[0] = processCpuNanos();
                        }
                        cpuNanos[1] = processCpuNanos();
                    }
                })
                .fit();
        double cpuMillisPerStep = (cpuNanos[1] - cpuNanos[0]) / 1e6 / steps;
        double[] sorted = sorted(millis);
        double median = median(sorted);
        double tokensPerSecond = batchSize * (double) context * 1000.0 / median;
        double flopsPerToken = model.trainingFlopsPerToken(context);
        double gflops = flopsPerToken * tokensPerSecond / 1e9;
        long peakMb = ResidentMemory.peakBytes() >> 20;
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("layers", layers).put("heads", heads).put("embd", embd).put("context", context)
                    .put("batch_size", batchSize).put("vocab_size", vocabSize).put("parameters", model.parameterCount())
                    .put("precision", policy.flag()).put("steps", steps).put("median_step_ms", median)
                    .put("min_step_ms", sorted[0]).put("max_step_ms", sorted[sorted.length - 1])
                    .put("tokens_per_s", tokensPerSecond).put("flops_per_token", flopsPerToken)
                    .put("gflops", gflops).put("peak_rss_mb", peakMb).put("cpu_ms_per_step", cpuMillisPerStep)
                    .put("engine", ComputeEngine.describe());
            out.println(o);
        } else {
            out.printf(Locale.ROOT, "recipe: %d layers, %d heads, %d channels, context %d, batch %d, vocabulary %d "
                    + "(%.2f M parameters), %s%n", layers, heads, embd, context, batchSize, vocabSize,
                    model.parameterCount() / 1e6, policy.flag());
            out.printf(Locale.ROOT, "median step %.1f ms (min %.1f, max %.1f) over %d steps after %d warm-up steps%n",
                    median, sorted[0], sorted[sorted.length - 1], steps, warmup);
            out.printf(Locale.ROOT, "%.0f tokens/s, %.2f MFLOP per token, %.1f GFLOP/s achieved%n", tokensPerSecond,
                    flopsPerToken / 1e6, gflops);
            out.printf(Locale.ROOT, "peak resident memory %d MB; process CPU time %.1f ms per step (all threads)%n",
                    peakMb, cpuMillisPerStep);
            out.printf(Locale.ROOT, "engine: %s%n", ComputeEngine.describe());
        }
        out.flush();
        return 0;
    }

    /** The recipe's optimizer, constant rate and clipping, on {@code tokens}. */
    private Trainer trainer(GPT model, TokenDataset tokens, Precision policy) {
        return Trainer.forModel(model)
                .data(tokens)
                .batchSize(batchSize).steps(warmup + steps).seed(seed)
                .optimizer(AdamW.lr(1e-3).betas(0.9, 0.99).weightDecay(0.1))
                .schedule(LrSchedule.constant())
                .clipGradNorm(1.0)
                .precision(precision.mixedPrecision());
    }

    /** The same steps on Spark workers, which read the random tokens from a temporary file. */
    private int distributed(GPT model, Precision policy) throws IOException {
        Path file = Files.createTempFile("decoder4j-bench-", ".bin");
        try {
            TokenFileWriter.write(file, randomTokenIds());
            List<StepTiming> timings;
            try (SparkDataParallel workers = sparkFlags.start()) {
                trainer(model, TokenDataset.open(file), policy).distributed(workers).fit();
                timings = workers.timings();
            }
            List<StepTiming> timed = timings.subList(Math.min(warmup, timings.size()), timings.size());
            // means, not medians, so that the three parts add up to the step
            double total = mean(timed, StepTiming::totalMillis);
            double compute = mean(timed, StepTiming::computeMillis);
            double exchange = mean(timed, StepTiming::exchangeMillis);
            double overhead = total - compute - exchange;
            StepTiming last = timed.get(timed.size() - 1);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("layers", layers).put("heads", heads).put("embd", embd).put("context", context)
                        .put("batch_size", batchSize).put("vocab_size", vocabSize)
                        .put("parameters", model.parameterCount()).put("precision", policy.flag())
                        .put("spark_master", sparkFlags.master()).put("workers", last.workers()).put("steps", steps)
                        .put("mean_step_ms", total).put("mean_compute_ms", compute)
                        .put("mean_exchange_ms", exchange).put("mean_overhead_ms", overhead)
                        .put("bytes_per_worker", last.bytesPerWorker());
                out.println(o);
            } else {
                out.printf(Locale.ROOT, "recipe: %d layers, %d heads, %d channels, context %d, global batch %d, "
                        + "vocabulary %d (%.2f M parameters), %s%n", layers, heads, embd, context, batchSize, vocabSize,
                        model.parameterCount() / 1e6, policy.flag());
                out.printf(Locale.ROOT, "Spark %s, %d workers x %d windows; means over %d steps after %d warm-up "
                        + "steps:%n", sparkFlags.master(), last.workers(), batchSize / last.workers(), timed.size(),
                        warmup);
                out.printf(Locale.ROOT, "step %.1f ms = compute %.1f + exchange %.1f + overhead %.1f "
                        + "(%.1f MB each way per worker)%n", total, compute, exchange, overhead,
                        last.bytesPerWorker() / 2 / 1e6);
                out.printf(Locale.ROOT, "exchange = broadcast %.1f + fetch %.1f + pack %.1f + merge %.1f + apply %.1f "
                        + "ms%n", mean(timed, StepTiming::broadcastMillis), mean(timed, StepTiming::fetchMillis),
                        mean(timed, StepTiming::packMillis), mean(timed, StepTiming::mergeMillis),
                        mean(timed, StepTiming::applyMillis));
            }
            out.flush();
            return 0;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** CPU time of all the process's threads so far (waiting workers spin, so this overstates idle time). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double mean(List<StepTiming> timings, ToDoubleFunction<StepTiming> part) {
        return timings.stream().mapToDouble(part).average().orElse(0);
    }

    private static double[] sorted(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    private static double median(double[] sorted) {
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    /** Enough uniformly random tokens for every step to draw fresh windows. */
    private TokenDataset randomTokens() {
        return TokenDataset.of(randomTokenIds());
    }

    private int[] randomTokenIds() {
        int n = Math.max(context + 1, Math.min(4_000_000, batchSize * (context + 1) * (warmup + steps)));
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[n];
        Arrays.setAll(tokens, i -> random.nextInt(vocabSize));
        return tokens;
    }
}
