package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare, train, eval and sample, one after the other, on a small text with a tiny model. */
class CliRoundTripTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A tiny model that learns this text's patterns in a few dozen steps. */
    private static final Object[] TINY = {
        "--layers", 1, "--heads", 2, "--embd", 16, "--context", 16, "--batch-size", 8,
        "--lr", "1e-2", "--warmup-steps", 0, "--log-every", 10
    };

    @TempDir
    static Path dir;

    static Path text;

    @BeforeAll
    static void writeText() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("ROMEO:\nO sweet love, the night is young.\n\n");
            sb.append("JULIET:\nAnd yet the morning comes too soon.\n\n");
        }
        text = Files.writeString(dir.resolve("play.txt"), sb);
    }

    /** {@code train}, the tiny model's flags, then {@code more}. */
    private static Object[] train(Object... more) {
        Object[] all = new Object[1 + TINY.length + more.length];
        all[0] = "train";
        System.arraycopy(TINY, 0, all, 1, TINY.length);
        System.arraycopy(more, 0, all, 1 + TINY.length, more.length);
        return all;
    }

    @Test
    void prepareTrainEvalSample() throws Exception {
        Path data = dir.resolve("data");
        Cli.Result prepared = Cli.run("prepare", "--input", text, "--out", data);
        assertEquals(0, prepared.exit(), prepared::toString);
        assertTrue(Files.size(data.resolve("train.bin")) > 0);
        assertTrue(prepared.out().contains("vocabulary"), prepared::toString);
        int vocab = org.decoder4j.data.tokenizer.Tokenizer.load(data).vocabSize();

        Path model = dir.resolve("model");
        Path log = dir.resolve("logs/steps.jsonl");
        int steps = 40;
        Cli.Result trained = Cli.run(train("--data", data, "--out", model, "--steps", steps,
                "--eval-every", 20, "--log", log, "--sample-tokens", 50));
        assertEquals(0, trained.exit(), trained::toString);
        assertEquals("", trained.err());
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json",
                "best/config.json", "best/model.safetensors", "best/tokenizer.json")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        assertTrue(trained.out().contains("trained " + steps + " steps"), trained::toString);

        // --log: one well-formed JSON object per step with exactly the six step keys, and one
        // after each validation pass (steps 20 and 40) with the step count and the validation loss.
        List<String> all = Files.readAllLines(log);
        assertEquals(steps + 2, all.size());
        for (int row : new int[] {20, 41}) {
            JsonNode o = JSON.readTree(all.get(row));
            Set<String> keys = new TreeSet<>();
            o.fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("step", "val_loss"), keys, all.get(row));
            assertEquals(row == 20 ? 20 : 40, o.get("step").asInt());
            assertTrue(o.get("val_loss").asDouble() < Math.log(vocab), all.get(row));
        }
        List<String> lines = all.stream().filter(l -> !l.contains("val_loss")).toList();
        for (int k = 0; k < steps; k++) {
            JsonNode o = JSON.readTree(lines.get(k));
            Set<String> keys = new TreeSet<>();
            o.fieldNames().forEachRemaining(keys::add);
            assertEquals(Set.of("step", "loss", "lr", "grad_norm", "tokens_per_s", "ms"), keys, lines.get(k));
            assertEquals(k, o.get("step").asInt());
            for (String key : List.of("loss", "lr", "grad_norm", "tokens_per_s", "ms")) {
                assertTrue(o.get(key).isNumber() && Double.isFinite(o.get(key).asDouble()), lines.get(k));
            }
            // nanoGPT's cosine from 1e-2 at step 0 towards --min-lr 1e-4 at --steps, no warmup.
            double lr = 1e-4 + 0.5 * (1 + Math.cos(Math.PI * k / steps)) * (1e-2 - 1e-4);
            assertEquals(lr, o.get("lr").asDouble(), lr * 1e-9, lines.get(k));
        }
        double firstLoss = JSON.readTree(lines.get(0)).get("loss").asDouble();
        assertEquals(Math.log(vocab), firstLoss, 0.3, "an untrained model is close to uniform");

        // eval --json: the four keys, and a loss well below the uniform guess after training.
        Cli.Result eval = Cli.run("eval", "--model", model, "--data", data.resolve("val.bin"), "--json");
        assertEquals(0, eval.exit(), eval::toString);
        JsonNode r = JSON.readTree(eval.out());
        Set<String> keys = new TreeSet<>();
        r.fieldNames().forEachRemaining(keys::add);
        assertEquals(Set.of("loss", "perplexity", "accuracy", "tokens"), keys);
        double loss = r.get("loss").asDouble();
        assertTrue(loss < Math.log(vocab) - 1.0, "validation loss " + loss + " after training");
        assertEquals(Math.exp(loss), r.get("perplexity").asDouble(), 1e-9 * Math.exp(loss));
        long valTokens = Files.size(data.resolve("val.bin")) / 2;
        assertEquals((valTokens - 1) / 16 * 16, r.get("tokens").asLong(), "all whole windows of the model's context");

        Cli.Result text = Cli.run("eval", "--model", model, "--data", data.resolve("val.bin"), "--context", 8);
        assertEquals(0, text.exit(), text::toString);
        for (String label : List.of("loss", "perplexity", "accuracy", "tokens")) {
            assertTrue(text.out().lines().anyMatch(l -> l.startsWith(label + " ")), text::toString);
        }

        // sample: the prompt, then exactly the requested number of characters; same seed, same text.
        Cli.Result sample = Cli.run("sample", "--model", model, "--prompt", "ROMEO:", "--max-new-tokens", 30,
                "--seed", 5);
        assertEquals(0, sample.exit(), sample::toString);
        String generated = sample.out().substring(0, sample.out().length() - System.lineSeparator().length());
        assertTrue(generated.startsWith("ROMEO:"), sample::toString);
        assertEquals("ROMEO:".length() + 30, generated.length(), sample::toString);
        assertEquals(sample.out(), Cli.run("sample", "--model", model, "--prompt", "ROMEO:",
                "--max-new-tokens", 30, "--seed", 5).out());
        Cli.Result greedy = Cli.run("sample", "--model", model, "--prompt", "JULIET:", "--max-new-tokens", 8,
                "--temperature", 0, "--num-samples", 2);
        assertEquals(0, greedy.exit(), greedy::toString);
        String[] samples = greedy.out().split("\\R---\\R");
        assertEquals(2, samples.length, greedy::toString);
        assertEquals(samples[0].strip(), samples[1].strip(), "temperature 0 is greedy: seeds do not matter");
    }

    @Test
    void withoutDataFlagsTheInputTextIsPreparedIntoTheOutputDirectory() throws Exception {
        Path out = dir.resolve("from-text");
        Cli.Result r = Cli.run(train("--input", text, "--out", out, "--steps", 5,
                "--sample-tokens", 20));
        assertEquals(0, r.exit(), r::toString);
        for (String f : List.of("data/train.bin", "data/val.bin", "data/tokenizer.json", "config.json",
                "model.safetensors", "tokenizer.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        // The sample follows the summary and starts at a line break.
        assertTrue(r.out().contains("model saved to " + out), r::toString);
        assertFalse(r.out().strip().endsWith("model saved to " + out), "a sample is printed: " + r);
    }

    @Test
    void initContinuesFromASavedModel() throws Exception {
        Path first = dir.resolve("first");
        assertEquals(0, Cli.run(train("--input", text, "--out", first, "--steps", 3,
                "--sample-tokens", 0)).exit());
        Path second = dir.resolve("second");
        Cli.Result r = Cli.run("train", "--init", first, "--data", first.resolve("data/train.bin"),
                "--out", second, "--steps", 3, "--context", 12, "--layers", 1, "--sample-tokens", 0);
        assertEquals(0, r.exit(), r::toString);
        // The tokenizer beside the .bin file is carried to the new model.
        assertTrue(Files.isRegularFile(second.resolve("tokenizer.json")));
        assertEquals(JSON.readTree(first.resolve("config.json").toFile()),
                JSON.readTree(second.resolve("config.json").toFile()), "the saved config decides the shape");

        // --dropout is the one model setting --init lets a run change.
        Path third = dir.resolve("third");
        r = Cli.run("train", "--init", first, "--data", first.resolve("data"), "--out", third, "--steps", 2,
                "--dropout", "0.1", "--sample-tokens", 0);
        assertEquals(0, r.exit(), r::toString);
        assertEquals(0.1, JSON.readTree(third.resolve("config.json").toFile()).get("resid_pdrop").asDouble());
    }

    @Test
    void listenerFlagsWriteTheTableAndThePlotAndStopEarly() throws Exception {
        Path data = dir.resolve("listener-data");
        assertEquals(0, Cli.run("prepare", "--input", text, "--out", data).exit());
        Path out = dir.resolve("listeners");
        Path csv = dir.resolve("listeners-files/metrics.csv");
        Path png = dir.resolve("listeners-files/loss.png");
        // With a learning rate of 1e-9 the validation loss does not move by 0.01: the second
        // validation after the first (step 9) ends the run.
        Cli.Result r = Cli.run("train", "--data", data, "--out", out, "--layers", 1, "--heads", 2, "--embd", 16,
                "--context", 16, "--batch-size", 4, "--steps", 40, "--eval-every", 3, "--lr", "1e-9",
                "--min-lr", 0, "--weight-decay", 0, "--no-progress", "--early-stop", 2, "--early-stop-delta", "0.01",
                "--metrics-csv", csv,
                "--plot", png, "--sample-tokens", 0);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("trained 9 steps"), r::toString);

        List<String> rows = Files.readAllLines(csv);
        assertEquals("step,loss,lr,grad_norm,tokens_per_s,ms,val_loss", rows.get(0));
        assertEquals(1 + 9 + 3, rows.size(), rows::toString);
        assertEquals(List.of("3", "6", "9"), rows.stream().filter(l -> l.contains(",,,,,,"))
                .map(l -> l.substring(0, l.indexOf(','))).toList());

        byte[] image = Files.readAllBytes(png);
        assertEquals(0x89, image[0] & 0xff);
        assertEquals("PNG", new String(image, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        java.awt.image.BufferedImage picture = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(800, picture.getWidth());
        assertEquals(500, picture.getHeight());
    }

    @Test
    void helpAndVersion() {
        Cli.Result help = Cli.run("--help");
        assertEquals(0, help.exit());
        for (String command : List.of("prepare", "train", "eval", "sample")) {
            assertTrue(help.out().contains(command), help::toString);
        }
        Cli.Result trainHelp = Cli.run("train", "--help");
        assertEquals(0, trainHelp.exit());
        for (String flag : List.of("--data", "--val", "--init", "--out", "--steps", "--batch-size", "--context",
                "--layers", "--heads", "--embd", "--dropout", "--lr", "--min-lr", "--warmup-steps", "--schedule",
                "--optimizer", "--weight-decay", "--beta1", "--beta2", "--eps", "--grad-clip", "--seed",
                "--sampling", "--eval-every", "--log", "--metrics-csv", "--plot", "--early-stop",
                "--early-stop-delta")) {
            assertTrue(trainHelp.out().contains(flag + "="), flag);
        }
        assertEquals(0, Cli.run("--version").exit());
    }
}
