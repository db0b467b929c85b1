package org.decoder4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.decoder4j.data.Tokenizer;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
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
            "The prompt is printed first, then each new token as it is chosen. The same seed gives the same text."
        })
final class SampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model directory with config.json, model.safetensors and tokenizer.json.")
    Path model;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "\n",
            description = "Text to continue (default: a line break).")
    String prompt;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "500",
            description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Logits are divided by T; 0 always takes the most likely token (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "200",
            description = "Draw only from the K most likely tokens; 0 = all (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1337",
            description = "Seed of the random draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--num-samples", paramLabel = "N", defaultValue = "1",
            description = "Independent samples, with seeds S, S+1, ... (default: ${DEFAULT-VALUE}).")
    int numSamples;

    @Override
    public Integer call() throws Exception {
        Flags.nonNegative(spec, "--max-new-tokens", maxNewTokens);
        Flags.nonNegative(spec, "--temperature", temperature);
        Flags.nonNegative(spec, "--top-k", topK);
        Flags.positive(spec, "--num-samples", numSamples);
        if (prompt.isEmpty()) {
            throw Flags.usage(spec, "--prompt is empty; give at least one character to continue");
        }
        ModelDirectory dir = ModelDirectory.open(model);
        Tokenizer tokenizer = dir.tokenizer().orElseThrow(() -> new IllegalArgumentException(model
                + " has no " + Tokenizer.FILE_NAME + "; sample needs the tokenizer the model was trained with "
                + "(train --data DIR with a prepared directory saves it next to the model)"));
        dir.checkTokenizer(tokenizer, model.toString());
        int[] promptIds = tokenizer.encode(prompt);
        GPT gpt = dir.load();

        PrintWriter out = spec.commandLine().getOut();
        Generator generator = Generator.of(gpt);
        for (int i = 0; i < numSamples; i++) {
            if (i > 0) {
                out.println();
                out.println("---");
            }
            Sampling sampling = new Sampling(temperature, topK, 1.0, seed + i);
            out.print(prompt);
            out.flush();
            TextStream stream = new TextStream(tokenizer, out);
            generator.generate(promptIds, sampling, maxNewTokens, stream::accept);
            out.println();
            out.flush();
        }
        return 0;
    }

    /**
     * Prints generated tokens as they come. The text so far is decoded again after each token
     * and only its new end is printed, so that a tokenizer whose tokens are parts of a character
     * still prints whole characters.
     */
    static final class TextStream {
        private final Tokenizer tokenizer;
        private final PrintWriter out;
        private int[] ids = new int[64];
        private int count;
        private int printed;

        TextStream(Tokenizer tokenizer, PrintWriter out) {
            this.tokenizer = tokenizer;
            this.out = out;
        }

        void accept(int id) {
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, 2 * count);
            }
            ids[count++] = id;
            String text = tokenizer.decode(Arrays.copyOf(ids, count));
            int end = text.endsWith("\uFFFD") ? text.length() - 1 : text.length();
            if (end > printed) {
                out.print(text.substring(printed, end));
                out.flush();
                printed = end;
            }
        }
    }
}
