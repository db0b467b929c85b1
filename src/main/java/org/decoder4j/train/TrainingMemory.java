package org.decoder4j.train;

import java.util.Locale;
import org.decoder4j.nn.GPTConfig;
import org.decoder4j.nn.ModelMemory;

/**
 * A lower bound of the memory a training run needs, checked before its first allocation: the
 * float32 weights, their gradients and AdamW's two moments (four copies), and a micro-batch's
 * logits with their gradient. A run whose bound exceeds the machine's memory could only end in an
 * allocation failure, so it is refused with a message naming the size to reduce.
 *
 * <pre>{@code
 * TrainingMemory.check(model.config(), 12, 64, "train");
 * }</pre>
 */
public final class TrainingMemory {

    private TrainingMemory() {
    }

    /**
     * @param batchSize windows per micro-batch
     * @param context   tokens per window
     * @param origin    who asks, for the message ("train", a class name)
     * @throws IllegalArgumentException naming the batch size or the config key that is too large
     * @param config the model's shape
     */
    public static void check(GPTConfig config, long batchSize, long context, String origin) {
        double logits = 2.0 * Float.BYTES * batchSize * context * config.vocabSize();
        long limit = ModelMemory.machineBytes();
        if (logits > limit) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: a batch of %d windows x %d tokens "
                    + "x a vocabulary of %d needs %s for its logits and their gradient alone, more than the %s of "
                    + "memory of this machine; use a smaller batch size (or gradient accumulation)", origin, batchSize,
                    context, config.vocabSize(), ModelMemory.bytes(logits), ModelMemory.bytes(limit)));
        }
        ModelMemory.check(config, Float.BYTES, 4, logits, origin);
    }
}
