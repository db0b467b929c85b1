package org.decoder4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.decoder4j.data.tokens.TokenDataset;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.eval.Metric;
import org.decoder4j.eval.Perplexity;
import org.decoder4j.eval.TokenAccuracy;
import org.decoder4j.nn.GPT;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code decoder4j eval}: loss, perplexity and accuracy of a model on a token file, on consecutive or sliding windows. */
@Command(name = "eval",
        header = "Loss, perplexity and accuracy of a model on a token file.",
        mixinStandardHelpOptions = true,
        description = {
            "Scores a model on every consecutive non-overlapping window of a token file: window i has inputs "
                    + "tokens[i*T, i*T+T) and the next tokens as targets; a remainder shorter than T+1 is dropped.",
            "With --stride S, on sliding windows instead: window k starts at token k*S, and every token after "
                    + "the first is scored exactly once, with at least T-S tokens of history after the first window.",
            "Prints the mean next-token cross-entropy (nats, token-weighted), perplexity = e^loss, top-1 "
                    + "accuracy and the number of scored tokens; --top-k and --batch-mean add more."
        })
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|hf:ORG/NAME[@REV]",
            description = "Model directory (config.json and model.safetensors), or a Hugging Face Hub repository.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Token file (nanoGPT's raw uint16 ids, or decoder4j's uint32), such as val.bin from 'prepare'.")
    Path data;

    @Option(names = "--context", paramLabel = "T",
            description = "Window length; at most the model's n_positions (default: n_positions).")
    Integer context;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "32",
            description = "Windows per forward pass; changes speed and memory, not the result (except --batch-mean) "
                    + "(default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--stride", paramLabel = "S",
            description = "Sliding windows advancing by S tokens, 1 <= S <= T (default: consecutive windows).")
    Integer stride;

    @Option(names = "--top-k", paramLabel = "K",
            description = "Also print top-K accuracy (key topK_accuracy): the target is among the K most likely tokens.")
    Integer topK;

    @Option(names = "--batch-mean",
            description = "Also print perplexity_batch_mean = exp(mean of per-batch mean losses), which, unlike "
                    + "perplexity, depends on --batch-size.")
    boolean batchMean;

    @Option(names = "--json", description = "Print one JSON object with keys loss, perplexity, accuracy, tokens, "
            + "and those of --top-k and --batch-mean.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Flags.positive(spec, "--batch-size", batchSize);
        if (context != null) {
            Flags.positive(spec, "--context", context);
        }
        if (stride != null) {
            Flags.positive(spec, "--stride", stride);
        }
        if (topK != null) {
            Flags.positive(spec, "--top-k", topK);
        }
        TokenDataset tokens = TokenDataset.open(data);
        ModelDirectory dir = ModelDirectory.open(model, spec);
        int t = context == null ? dir.config().contextLength() : context;
        dir.checkContext("--context", t);
        if (stride != null && stride > t) {
            throw Flags.usage(spec, "--stride " + stride + " must be at most the context " + t
                    + ", or tokens would be skipped");
        }
        tokens.checkVocabulary(dir.config().vocabSize());     // before the weights are read: fail fast
        GPT gpt = dir.load();
        List<Metric> metrics = new ArrayList<>();
        if (topK != null) {
            metrics.add(TokenAccuracy.top(topK));
        }
        if (batchMean) {
            metrics.add(Perplexity.meanOfBatchMeans());
        }
        Evaluator evaluator = Evaluator.of(gpt).contextLength(t).batchSize(batchSize).metrics(metrics.toArray(Metric[]::new));
        if (stride != null) {
            evaluator.stride(stride);
        }
        EvalResult r = evaluator.evaluate(tokens);

        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("loss", r.loss());
        figures.put("perplexity", r.perplexity());
        figures.put("accuracy", r.accuracy());
        figures.putAll(r.metrics());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            figures.forEach(node::put);
            node.put("tokens", r.tokens());
            out.println(node);
        } else {
            int width = Math.max(12, figures.keySet().stream().mapToInt(String::length).max().orElse(0) + 2);
            String line = "%-" + width + "s%s%n";
            figures.forEach((name, value) -> out.printf(Locale.ROOT, line, name, String.format(Locale.ROOT, "%.4f", value)));
            out.printf(Locale.ROOT, line, "tokens", r.tokens());
        }
        out.flush();
        return 0;
    }
}
