package org.decoder4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes, or loads and runs, a model of GPT-2 small's shape (124M parameters, vocabulary 50,257,
 * 1,024 positions) with random weights, to measure checkpoint load time and memory.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.Gpt2SmallCheckpoint write DIR
 * java -cp … org.decoder4j.examples.Gpt2SmallCheckpoint load DIR
 * </pre>
 *
 * {@code load} prints the load time, the time of one forward pass over 1,024 tokens, and the
 * process's peak resident memory (VmHWM).
 */
public final class Gpt2SmallCheckpoint {

    private Gpt2SmallCheckpoint() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !(args[0].equals("write") || args[0].equals("load"))) {
            System.err.println("usage: Gpt2SmallCheckpoint write|load DIR");
            System.exit(2);
        }
        Path dir = Path.of(args[1]);
        if (args[0].equals("write")) {
            GPT model = GPT.builder().vocabSize(50257).contextLength(1024).layers(12).heads(12).embeddingSize(768)
                    .seed(124).build();
            model.save(dir);
            System.out.printf("wrote %,d parameters to %s%n", model.parameterCount(), dir);
            return;
        }
        long t0 = System.nanoTime();
        GPT model = GPT.load(dir);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        String loadPeak = peakResident();
        long[][] ids = new long[1][1024];
        for (int i = 0; i < 1024; i++) {
            ids[0][i] = (i * 7919L) % 50257;
        }
        long t1 = System.nanoTime();
        double first;
        try (NoGrad ignored = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            first = model.forward(Nd4j.createFromArray(ids)).value().getDouble(0, 0, 0);
        }
        double forwardSeconds = (System.nanoTime() - t1) / 1e9;
        System.out.printf("loaded %,d parameters in %.2f s (peak resident %s); forward [1, 1024] in %.2f s"
                + " (logit %.4f; peak resident %s)%n",
                model.parameterCount(), loadSeconds, loadPeak, forwardSeconds, first, peakResident());
    }

    private static String peakResident() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?")
                .replaceAll("VmHWM:\\s+", "");
    }
}
