package org.decoder4j.sft;

import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.MemoryScope;
import org.decoder4j.tensor.NoGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The held-out measure of fine-tuning: mean cross-entropy (nats) over the assistant tokens of a
 * dialogue set, weighted by token (every trained token counts once, whatever its dialogue's length).
 *
 * <pre>{@code
 * double before = AssistantLoss.of(model, heldOut);
 * // ... fine-tune ...
 * double after = AssistantLoss.of(model, heldOut);
 * }</pre>
 */
public final class AssistantLoss {

    private AssistantLoss() {
    }

    /**
     * Token-weighted mean loss over every assistant token of {@code data}; the model is left in its mode.
     *
     * @param model the model to score
     * @param data the rendered dialogues
     * @return the mean loss per assistant token, in nats
     */
    public static double of(GPT model, SftDataset data) {
        boolean wasTraining = model.isTraining();
        model.eval();
        double total = 0;
        long count = 0;
        try (NoGrad ignored = NoGrad.enter()) {
            for (SftExample e : data.examples()) {
                int n = e.trainedCount();
                if (n == 0) {
                    continue;
                }
                try (MemoryScope scope = MemoryScope.open()) {
                    long[] in = e.inputs();
                    long[] shape = {1, in.length};
                    double mean = Loss.crossEntropy(model.forward(Nd4j.create(in, shape, DataType.INT64)),
                            Nd4j.create(e.targets(), shape, DataType.INT64)).item();
                    total += mean * n;
                    count += n;
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return total / count;
    }
}
