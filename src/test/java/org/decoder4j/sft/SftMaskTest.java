package org.decoder4j.sft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.tokenizer.CharTokenizer;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SftMaskTest {

    private static final CharTokenizer TOK = CharTokenizer.fit("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:\n ");
    private static final int X = -100;

    private static Dialogue dialogue(String system, String user, String reply, String trailing) {
        return new Dialogue(List.of(
                ChatMessage.of(ChatRole.SYSTEM, system),
                new ChatMessage(ChatRole.USER, user, "Q"),
                new ChatMessage(ChatRole.ASSISTANT, reply, "A"),
                new ChatMessage(ChatRole.USER, trailing, "Q")));
    }

    @Test
    void maskCoversAssistantContentAndTurnEndOnly() {
        // "Q:\nhi\n" + "A:\nyo\n": headers and the user turn are context
        Dialogue d = new Dialogue(List.of(new ChatMessage(ChatRole.USER, "hi", "Q"),
                new ChatMessage(ChatRole.ASSISTANT, "yo", "A")));
        SftExample e = ChatTemplate.of("{name}:\n", "\n").render(d, TOK);
        assertEquals("Q:\nhi\nA:\nyo\n", TOK.decode(e.tokens()));
        boolean[] expected = {false, false, false, false, false, false, false, false, false, true, true, true};
        assertArrayEquals(expected, e.trained());
        long[] targets = e.targets();
        int[] ids = TOK.encode("Q:\nhi\nA:\nyo\n");
        long[] want = {X, X, X, X, X, X, X, X, ids[9], ids[10], ids[11]};
        assertArrayEquals(want, targets);
        assertEquals(3, e.trainedCount());
    }

    @Test
    void defaultTemplateAndNamelessSpeakerLines() {
        Dialogue d = new Dialogue(List.of(ChatMessage.of(ChatRole.USER, "hi"), ChatMessage.of(ChatRole.ASSISTANT, "yo")));
        assertEquals("<|user|>\nhi\n<|assistant|>\nyo\n", ChatTemplate.defaults().text(d));
        assertEquals("USER:\nhi\n\nASSISTANT:\nyo\n\n", ChatTemplate.speakerLines().text(d));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChatTemplate.defaults().render(d, TOK));
        assertTrue(e.getMessage().startsWith("turn 0 header: "), e.getMessage());
    }

    @Test
    void tokensOutsideAssistantTurnsCarryNoGradient() {
        ChatTemplate template = ChatTemplate.speakerLines();
        INDArray base = gradients(template.render(dialogue("be brief", "who goes", "a friend", "stand"), TOK));
        INDArray sameReply = gradients(template.render(dialogue("be brief", "who goes", "a friend", "qwert"), TOK));
        INDArray otherReply = gradients(template.render(dialogue("be brief", "who goes", "a fiend", "stand"), TOK));
        // a changed trailing user turn is never a target and never context of a target: same gradients
        assertEquals(0.0, base.sub(sameReply).norm2Number().doubleValue(), 1e-12);
        // control: a changed assistant token changes them
        assertTrue(base.sub(otherReply).norm2Number().doubleValue() > 1e-4);
    }

    private static INDArray gradients(SftExample e) {
        GPT model = GPT.builder().vocabSize(TOK.vocabSize()).contextLength(64).layers(1).heads(2).embeddingSize(8)
                .seed(3).dataType(DataType.DOUBLE).build();
        long[] shape = {1, e.length() - 1};
        Tensor loss = Loss.crossEntropy(model.forward(Nd4j.create(e.inputs(), shape, DataType.INT64)),
                Nd4j.create(e.targets(), shape, DataType.INT64));
        loss.backward();
        List<INDArray> grads = new ArrayList<>();
        model.parameters().forEach(p -> grads.add(p.grad().reshape(-1)));
        return Nd4j.concat(0, grads.toArray(new INDArray[0]));
    }

    @Test
    void truncationKeepsTheStartAndDropsDialoguesWithNothingToTrain() {
        Dialogue longReply = new Dialogue(List.of(new ChatMessage(ChatRole.USER, "hi", "Q"),
                new ChatMessage(ChatRole.ASSISTANT, "abcdefghij", "A")));
        Dialogue lateReply = new Dialogue(List.of(new ChatMessage(ChatRole.USER, "a long question", "Q"),
                new ChatMessage(ChatRole.ASSISTANT, "no", "A")));
        SftDataset data = SftDataset.of(List.of(longReply, lateReply), TOK, ChatTemplate.of("{name}:\n", "\n"), 10);
        assertEquals(1, data.size());
        assertEquals("Q:\nhi\nA:\nab", TOK.decode(data.examples().get(0).tokens()));
    }

    @Test
    void batchesPadWithIgnoredTargetsAndPackingKeepsTheMask() {
        Dialogue d1 = new Dialogue(List.of(new ChatMessage(ChatRole.USER, "hi", "Q"),
                new ChatMessage(ChatRole.ASSISTANT, "yo", "A")));
        SftDataset data = SftDataset.of(List.of(d1, d1), TOK, ChatTemplate.of("{name}:\n", "\n"), 30);
        try (Batch b = new SftBatches(data, 2, 7).next()) {
            assertArrayEquals(new long[] {2, 30}, b.targets().shape());
            long[] row = b.targets().getRow(0).toLongVector();
            assertEquals(3, java.util.Arrays.stream(row).filter(v -> v != X).count());
            assertEquals(X, row[29]);
        }
        SftBatches packed = SftBatches.packed(data, 1, 7);
        assertEquals(1, packed.rowCount());
        try (Batch b = packed.next()) {
            assertEquals(6, java.util.Arrays.stream(b.targets().toLongVector()).filter(v -> v != X).count());
        }
    }

    @Test
    void chatFileRoundTripAndClearErrors(@TempDir Path dir) throws IOException {
        Dialogue d = dialogue("s", "u", "a", "t");
        Path file = dir.resolve("chat.jsonl");
        ChatFile.write(file, List.of(d, d));
        assertEquals(List.of(d, d), ChatFile.read(file));

        Path bad = dir.resolve("bad.jsonl");
        Files.writeString(bad, "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}\n"
                + "{\"messages\":[{\"role\":\"narrator\",\"content\":\"x\"}]}\n");
        IOException e = assertThrows(IOException.class, () -> ChatFile.read(bad));
        assertTrue(e.getMessage().contains("line 2: unknown role \"narrator\""), e.getMessage());
    }
}
