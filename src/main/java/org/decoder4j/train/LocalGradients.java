package org.decoder4j.train;

import java.util.List;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.batch.Batch;
import org.decoder4j.data.batch.BatchSampler;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Autocast;
import org.decoder4j.tensor.OutputReaders;
import org.decoder4j.tensor.Tensor;

/**
 * The {@link Trainer}'s default {@link GradientComputation}: forward and backward of every
 * micro-batch in this thread, the gradients summed in the parameters (gradient accumulation).
 * Under a mixed precision the products run inside an {@link Autocast} scope.
 *
 * <pre>{@code
 * GradientComputation here = new LocalGradients();
 * here.start(model, sampler, Precision.FP32);
 * StepLoss loss = here.accumulate(new GradientStep(0, sampler, 1, seed, 1.0));
 * }</pre>
 */
public final class LocalGradients implements GradientComputation {

    private GPT model;
    private List<Tensor> parameters;
    private Precision precision = Precision.FP32;

    @Override
    public void start(GPT trained, BatchSampler sampler, Precision policy) {
        this.model = trained;
        this.parameters = trained.parameters();
        this.precision = policy;
    }

    @Override
    public StepLoss accumulate(GradientStep step) {
        if (model == null) {
            throw new IllegalStateException("start(model, sampler, precision) was not called");
        }
        model.reseedDropout(step.dropoutSeed());
        int k = step.accumulation();
        double loss = 0;
        long tokens = 0;
        try (Autocast autocast = precision.autocast(parameters)) {
            for (int micro = 0; micro < k; micro++) {
                try (Batch batch = step.sampler().next()) {
                    // each micro-batch's mean loss scaled by 1/k: the gradients add up to those
                    // of the mean over all k·B windows
                    loss += backward(model, batch, 1.0 / k, step.lossScale()) / k;
                    tokens += (long) batch.batchSize() * batch.contextLength();
                }
            }
        }
        return new StepLoss(loss, tokens);
    }

    /**
     * Forward and backward of one micro-batch: adds to the parameter gradients those of
     * {@code weight · lossScale ·} the batch's mean token loss, and returns that mean loss.
     *
     * <pre>{@code
     * double mean = LocalGradients.backward(model, batch, 1.0 / k, 1.0);   // one of k micro-batches
     * }</pre>
     *
     * @param model the model, in training mode
     * @param batch the micro-batch
     * @param weight the factor of the micro-batch's loss, such as {@code 1/k}
     * @param lossScale the loss scale (1 without scaling)
     * @return the micro-batch's mean token loss, unscaled
     */
    public static double backward(GPT model, Batch batch, double weight, double lossScale) {
        // only the loss reads the logits (bfloat16 under autocast), and their gradient may take their memory
        Tensor logits = model.forward(batch.inputs(), OutputReaders.CROSS_ENTROPY_ONLY);
        Tensor lossTensor = Loss.crossEntropyOverwritingLogits(logits, batch.targets());
        Tensor share = lossTensor.scale(weight);
        (lossScale == 1 ? share : share.scale(lossScale)).backward();
        return lossTensor.item();
    }
}
