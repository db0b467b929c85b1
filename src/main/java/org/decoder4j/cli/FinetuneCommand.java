package org.decoder4j.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.decoder4j.data.tokenizer.Tokenizer;
import org.decoder4j.nn.GPT;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.sft.AssistantLoss;
import org.decoder4j.sft.ChatTemplate;
import org.decoder4j.sft.SftBatches;
import org.decoder4j.sft.SftDataset;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.Trainer;
import org.decoder4j.train.TrainingReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code decoder4j finetune}: supervised fine-tuning of a saved model on a chat file, with the
 * loss on the assistant's turns only.
 */
@Command(name = "finetune",
        header = "Fine-tune a saved model on dialogues (loss on assistant turns only).",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Reads a chat file in JSON lines ({\"messages\":[{\"role\":\"system\"|\"user\"|\"assistant\","
                    + "\"content\":\"...\"},...]}), renders each dialogue with a chat template, and trains the "
                    + "model in --model on the assistant's tokens only; writes the result to --out with its "
                    + "tokenizer.json.",
            "With --val, prints the mean assistant-token loss on that chat file before and after."
        })
final class FinetuneCommand implements Callable<Integer> {

    enum Template { DEFAULT, SPEAKER, CUSTOM }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|hf:ORG/NAME[@REV]",
            description = "Model directory (config.json, model.safetensors, tokenizer.json), e.g. from 'train', "
                    + "or a Hugging Face Hub repository.")
    Path model;

    @Option(names = "--sft", required = true, paramLabel = "FILE", description = "Training dialogues (JSON lines).")
    Path sft;

    @Option(names = "--val", paramLabel = "FILE", description = "Held-out dialogues: assistant loss before and after.")
    Path val;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the fine-tuned model goes.")
    Path out;

    @Option(names = "--template", defaultValue = "default", paramLabel = "NAME",
            description = "default: <|role|>\\nTEXT\\n; speaker: NAME:\\nTEXT\\n\\n (Shakespeare's layout); "
                    + "custom: --turn-start and --turn-end (default: ${DEFAULT-VALUE}).")
    Template template;

    @Option(names = "--turn-start", paramLabel = "PATTERN",
            description = "Custom template: text before each turn; {role} and {name} are replaced. \\n is a newline.")
    String turnStart;

    @Option(names = "--turn-end", paramLabel = "PATTERN", description = "Custom template: text after each turn.")
    String turnEnd;

    @Option(names = "--context", paramLabel = "T",
            description = "Longest input; longer dialogues keep their start (default: the model's n_positions).")
    Integer context;

    @Option(names = "--pack", description = "Pack several dialogues into one row (later ones attend to earlier ones).")
    boolean pack;

    @Option(names = "--steps", defaultValue = "300", description = "Optimizer steps (default: ${DEFAULT-VALUE}).")
    long steps;

    @Option(names = "--batch-size", defaultValue = "8", description = "Dialogues per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "3e-4", description = "AdamW learning rate, constant (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0", description = "AdamW weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--grad-clip", defaultValue = "1.0", description = "Clip the gradient norm; 0 = off (default: ${DEFAULT-VALUE}).")
    double gradClip;

    @Option(names = "--seed", defaultValue = "1337", description = "Order of the dialogues (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--max-bad-steps", paramLabel = "N", defaultValue = "0",
            description = "Steps in a row with a non-finite loss or gradient norm that are skipped before the run "
                    + "stops with exit status 3; 0 stops at the first (default: ${DEFAULT-VALUE}).")
    int maxBadSteps;

    @Option(names = "--log-every", defaultValue = "50", description = "Progress line interval (default: ${DEFAULT-VALUE}).")
    int logEvery;

    @Override
    public Integer call() throws Exception {
        Flags.positive(spec, "--steps", steps);
        Flags.positive(spec, "--batch-size", batchSize);
        Flags.positive(spec, "--lr", lr);
        Flags.nonNegative(spec, "--weight-decay", weightDecay);
        Flags.nonNegative(spec, "--grad-clip", gradClip);
        Flags.positive(spec, "--log-every", logEvery);
        Flags.nonNegative(spec, "--max-bad-steps", maxBadSteps);
        ChatTemplate chat = chatTemplate();
        ModelDirectory dir = ModelDirectory.open(model, spec);
        Tokenizer tokenizer = dir.tokenizer().orElseThrow(() -> new NoSuchFileException(
                dir.path().resolve(Tokenizer.FILE_NAME).toString(), null,
                "the model directory has no tokenizer.json to encode the dialogues with"));
        dir.checkTokenizer(tokenizer, dir.path().toString());
        int t = context != null ? context : dir.config().contextLength();
        Flags.positive(spec, "--context", t);
        dir.checkContext("--context", t);
        SftDataset train = SftDataset.read(sft, tokenizer, chat, t);
        SftDataset heldOut = val == null ? null : SftDataset.read(val, tokenizer, chat, t);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + " exists and is not a directory");
        }

        GPT gpt = dir.load();
        PrintWriter o = spec.commandLine().getOut();
        Double before = heldOut == null ? null : AssistantLoss.of(gpt, heldOut);
        Files.createDirectories(out);
        TrainingReport report = Trainer.forModel(gpt)
                .batches(pack ? SftBatches.packed(train, batchSize, seed) : new SftBatches(train, batchSize, seed), null)
                .steps(steps)
                .optimizer(AdamW.lr(lr).weightDecay(weightDecay))
                .schedule(LrSchedule.constant())
                .clipGradNorm(gradClip)
                .seed(seed)
                .maxBadSteps(maxBadSteps)
                .checkpointDir(out)
                .tokenizer(tokenizer)
                .listener(new LoggingListener(logEvery))
                .fit();
        o.printf(Locale.ROOT, "dialogues   %d (%d assistant tokens)%n", train.size(), train.trainedTokens());
        o.printf(Locale.ROOT, "train loss  %.4f (last step)%n", report.finalTrainLoss());
        if (heldOut != null) {
            o.printf(Locale.ROOT, "held-out assistant loss  before %.4f  after %.4f%n", before,
                    AssistantLoss.of(gpt, heldOut));
        }
        o.printf("model       %s%n", out);
        o.flush();
        return 0;
    }

    private ChatTemplate chatTemplate() {
        if (template != Template.CUSTOM) {
            if (turnStart != null || turnEnd != null) {
                throw Flags.usage(spec, "--turn-start and --turn-end need --template custom");
            }
            return template == Template.DEFAULT ? ChatTemplate.defaults() : ChatTemplate.speakerLines();
        }
        if (turnStart == null || turnEnd == null) {
            throw Flags.usage(spec, "--template custom needs both --turn-start and --turn-end");
        }
        return ChatTemplate.of(unescape(turnStart), unescape(turnEnd));
    }

    private static String unescape(String pattern) {
        return pattern.replace("\\n", "\n").replace("\\t", "\t");
    }
}
