package org.decoder4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.generate.Stopping;
import org.decoder4j.nn.GPT;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code decoder4j sample}: text from a trained model, printed as it is generated. */
@Command(name = "sample",
        header = "Generate text from a trained model.",
        mixinStandardHelpOptions = true,
        description = {
            "Generates text from a model directory that holds its tokenizer (tokenizer.json), as 'train' writes it.",
            "The prompt is printed first, then the new text as it is chosen, token by token. The same seed gives the same text.",
            "Sampling applies the repetition penalty, then the temperature, then top-k, then top-p."
        })
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|hf:ORG/NAME[@REV]",
            description = "Model directory with config.json, model.safetensors and tokenizer.json, or a Hugging Face "
                    + "Hub repository (downloaded into the cache huggingface_hub shares; HF_* variables apply).")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "\n",
            description = "Text to continue (default: a line break).")
    String prompt;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "500",
            description = "Tokens to generate at most (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Logits are divided by T; 0 always takes the most likely token (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "200",
            description = "Draw only from the K most likely tokens, K >= 1; a K at least the vocabulary size "
                    + "keeps all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1",
            description = "Draw only from the smallest set of most likely tokens whose probability reaches P, "
                    + "0 < P <= 1; 1 keeps all (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1",
            description = "Divide the positive logits of tokens already in the text by R and multiply the negative "
                    + "ones, R > 0; 1 changes nothing (default: ${DEFAULT-VALUE}).")
    double repetitionPenalty;

    @Option(names = "--stop", paramLabel = "TEXT",
            description = "Stop when the generated text reaches TEXT, which is not printed; repeat for several.")
    List<String> stops = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337",
            description = "Seed of the random draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--num-samples", paramLabel = "N", defaultValue = "1",
            description = "Independent samples, with seeds S, S+1, ..., separated by a line '---' (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Option(names = "--no-cache",
            description = "Run the whole window through the model for every token instead of using the key/value "
                    + "cache (slower; the same text).")
    boolean noCache;

    @Override
    public Integer call() throws Exception {
        Flags.nonNegative(spec, "--max-new-tokens", maxNewTokens);
        Flags.nonNegative(spec, "--temperature", temperature);
        Flags.positive(spec, "--top-k", topK);
        if (!(topP > 0 && topP <= 1)) {
            throw Flags.usage(spec, "--top-p must be in (0, 1], got " + topP);
        }
        Flags.positive(spec, "--repetition-penalty", repetitionPenalty);
        Flags.positive(spec, "--num-samples", numSamples);
        if (prompt.isEmpty()) {
            throw Flags.usage(spec, "--prompt is empty; give at least one character to continue");
        }
        if (stops.contains("")) {
            throw Flags.usage(spec, "--stop is empty; give at least one character to stop at");
        }
        ModelDirectory dir = ModelDirectory.open(model, spec);
        Tokenizer tokenizer = dir.tokenizer().orElseThrow(() -> new IllegalArgumentException(model
                + " has no " + Tokenizer.FILE_NAME + "; sample needs the tokenizer the model was trained with "
                + "(train --data DIR with a prepared directory saves it next to the model)"));
        dir.checkTokenizer(tokenizer, model.toString());
        tokenizer.encode(prompt);                      // a character the tokenizer lacks fails before loading
        GPT gpt = dir.load();

        PrintWriter out = spec.commandLine().getOut();
        Generator generator = Generator.of(gpt, tokenizer).withCache(!noCache);
        Stopping stopping = Stopping.after(maxNewTokens).orAt(stops.toArray(String[]::new));
        for (int i = 0; i < numSamples; i++) {
            if (i > 0) {
                out.println();
                out.println("---");
            }
            Sampling sampling = new Sampling(temperature, topK, topP, repetitionPenalty, seed + i);
            out.print(prompt);
            out.flush();
            generator.generate(prompt, sampling, stopping, text -> {
                out.print(text);
                out.flush();
            });
            out.println();
            out.flush();
        }
        return 0;
    }
}
