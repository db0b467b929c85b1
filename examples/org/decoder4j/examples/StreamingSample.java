package org.decoder4j.examples;

import java.nio.file.Path;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.generate.Completion;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.generate.Stopping;
import org.decoder4j.nn.GPT;

/**
 * Streams a sample from a trained model directory (config.json, model.safetensors,
 * tokenizer.json, as {@code train} writes it) until a blank line or 500 characters: top-k 40,
 * nucleus 0.95, temperature 0.8, a mild repetition penalty and a fixed seed.
 *
 * <pre>
 * mvn -q test-compile exec:java -Dexec.mainClass=org.decoder4j.examples.StreamingSample \
 *     -Dexec.classpathScope=test -Dexec.args="out/shakespeare ROMEO:"
 * </pre>
 */
public final class StreamingSample {

    private StreamingSample() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String prompt = args.length > 1 ? args[1] : "ROMEO:";
        GPT model = GPT.load(dir);
        Tokenizer tokenizer = Tokenizer.load(dir);

        Generator generator = Generator.of(model, tokenizer);
        Sampling sampling = Sampling.random().topK(40).topP(0.95).temperature(0.8).repetitionPenalty(1.1).seed(7);
        Stopping stopping = Stopping.after(500).orAt("\n\n");

        System.out.print(prompt);
        Completion c = generator.generate(prompt, sampling, stopping, text -> {
            System.out.print(text);
            System.out.flush();
        });
        System.out.printf("%n[%d tokens, ended by %s]%n", c.tokens().length, c.reason());
    }
}
