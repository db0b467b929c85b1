package org.decoder4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.decoder4j.data.TokenDataset;
import org.decoder4j.eval.EvalResult;
import org.decoder4j.eval.Evaluator;
import org.decoder4j.nn.GPT;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code decoder4j eval}: loss, perplexity and accuracy of a model on a token file. */
@Command(name = "eval",
        header = "Loss, perplexity and accuracy of a model on a token file.",
        mixinStandardHelpOptions = true,
        description = {
            "Scores a model on every consecutive non-overlapping window of a token file: window i has inputs "
                    + "tokens[i*T, i*T+T) and the next tokens as targets; a remainder shorter than T+1 is dropped.",
            "Prints the mean next-token cross-entropy (nats, token-weighted), perplexity = e^loss, top-1 "
                    + "accuracy and the number of scored tokens."
        })
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model directory (config.json and model.safetensors).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Token file (nanoGPT's raw uint16 ids, or decoder4j's uint32), such as val.bin from 'prepare'.")
    Path data;

    @Option(names = "--context", paramLabel = "T",
            description = "Window length; at most the model's n_positions (default: n_positions).")
    Integer context;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "32",
            description = "Windows per forward pass; changes speed and memory, not the result (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--json", description = "Print one JSON object with keys loss, perplexity, accuracy, tokens.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Flags.positive(spec, "--batch-size", batchSize);
        if (context != null) {
            Flags.positive(spec, "--context", context);
        }
        TokenDataset tokens = TokenDataset.open(data);
        ModelDirectory dir = ModelDirectory.open(model);
        int t = context == null ? dir.config().contextLength() : context;
        dir.checkContext("--context", t);
        tokens.checkVocabulary(dir.config().vocabSize());     // before the weights are read: fail fast
        GPT gpt = dir.load();
        EvalResult r = Evaluator.of(gpt).contextLength(t).batchSize(batchSize).evaluate(tokens);

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode();
            node.put("loss", r.loss());
            node.put("perplexity", r.perplexity());
            node.put("accuracy", r.accuracy());
            node.put("tokens", r.tokens());
            out.println(node);
        } else {
            out.printf(Locale.ROOT, "loss        %.4f%n", r.loss());
            out.printf(Locale.ROOT, "perplexity  %.4f%n", r.perplexity());
            out.printf(Locale.ROOT, "accuracy    %.4f%n", r.accuracy());
            out.printf(Locale.ROOT, "tokens      %d%n", r.tokens());
        }
        out.flush();
        return 0;
    }
}
