package org.decoder4j.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.decoder4j.data.corpus.ShakespeareCorpus;
import org.decoder4j.generate.Generator;
import org.decoder4j.generate.Sampling;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.LrSchedule;
import org.decoder4j.sft.AssistantLoss;
import org.decoder4j.sft.ChatFile;
import org.decoder4j.sft.ChatMessage;
import org.decoder4j.sft.ChatRole;
import org.decoder4j.sft.ChatTemplate;
import org.decoder4j.sft.Dialogue;
import org.decoder4j.sft.PlayDialogues;
import org.decoder4j.sft.SftBatches;
import org.decoder4j.sft.SftDataset;
import org.decoder4j.train.LoggingListener;
import org.decoder4j.train.Trainer;

/**
 * Supervised fine-tuning on dialogues made from Tiny Shakespeare: each speech is the assistant's
 * reply to the speech before it. Writes {@code train.jsonl} (speeches of the first 90% of the
 * play) and {@code heldout.jsonl} (the last 10%), fine-tunes the pretrained character model on
 * the first with the loss on reply tokens only, and prints the held-out reply loss before and after.
 *
 * <pre>
 * java -cp … org.decoder4j.examples.ShakespeareDialogueFinetuning [corpus.txt] [out-dir] [base-steps] [sft-steps]
 * </pre>
 *
 * The pretrained model is read from {@code out-dir/base} if it is there, otherwise trained for
 * {@code base-steps} (default 600) and saved there.
 */
public final class ShakespeareDialogueFinetuning {

    private ShakespeareDialogueFinetuning() {
    }

    public static void main(String[] args) throws Exception {
        Path corpus = ShakespeareCorpus.standard().locate(args.length > 0 ? Path.of(args[0]) : null);
        Path out = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("shakespeare-sft");
        int baseSteps = args.length > 2 ? Integer.parseInt(args[2]) : 600;
        int sftSteps = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        Files.createDirectories(out);

        List<PlayDialogues.Speech> speeches = PlayDialogues.speeches(Files.readString(corpus));
        int cut = speeches.size() * 9 / 10;
        List<Dialogue> train = PlayDialogues.replies(speeches.subList(0, cut));
        List<Dialogue> heldOut = PlayDialogues.replies(speeches.subList(cut, speeches.size()));
        ChatFile.write(out.resolve("train.jsonl"), train);
        ChatFile.write(out.resolve("heldout.jsonl"), heldOut);

        ShakespeareBaseModel.Pretrained base = ShakespeareBaseModel.loadOrTrain(corpus, out.resolve("base"), baseSteps);
        ChatTemplate template = ChatTemplate.speakerLines();      // "NAME:\nspeech\n\n", as in the play
        int context = base.model().config().contextLength();
        SftDataset trainSet = SftDataset.read(out.resolve("train.jsonl"), base.tokenizer(), template, context);
        SftDataset heldOutSet = SftDataset.read(out.resolve("heldout.jsonl"), base.tokenizer(), template, context);

        double before = AssistantLoss.of(base.model(), heldOutSet);
        Trainer.forModel(base.model())
                .batches(new SftBatches(trainSet, 8, 1337), null)
                .steps(sftSteps)
                .optimizer(AdamW.lr(3e-4).weightDecay(0.0))
                .schedule(LrSchedule.constant())
                .clipGradNorm(1.0)
                .listener(new LoggingListener(Math.max(1, sftSteps / 10)))
                .checkpointDir(out.resolve("sft"))
                .tokenizer(base.tokenizer())
                .fit();
        double after = AssistantLoss.of(base.model(), heldOutSet);

        System.out.printf("dialogues: %d train (%d reply tokens), %d held out (%d reply tokens)%n",
                trainSet.size(), trainSet.trainedTokens(), heldOutSet.size(), heldOutSet.trainedTokens());
        System.out.printf("held-out reply loss: before %.4f, after %.4f (%d fine-tuning steps)%n", before, after,
                sftSteps);
        Dialogue ask = new Dialogue(List.of(new ChatMessage(ChatRole.USER, "Who is there? Speak!", "ROMEO")));
        int[] prompt = template.prompt(ask, base.tokenizer(), "JULIET");
        int[] ids = Generator.of(base.model()).generate(prompt, Sampling.random().topK(40).temperature(0.8).seed(7), 120, t -> { });
        System.out.println(base.tokenizer().decode(ids));
    }
}
