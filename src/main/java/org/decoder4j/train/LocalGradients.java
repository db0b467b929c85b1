package org.decoder4j.train;

import java.util.List;
import org.decoder4j.amp.LowPrecisionKernels;
import org.decoder4j.amp.Precision;
import org.decoder4j.data.Batch;
import org.decoder4j.data.BatchSampler;
import org.decoder4j.loss.Loss;
import org.decoder4j.nn.GPT;
import org.decoder4j.tensor.Autocast;
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
    private boolean nativeLowPrecision;

    @Override
    public void start(GPT trained, BatchSampler sampler, Precision policy) {
        this.model = trained;
        this.parameters = trained.parameters();
        this.precision = policy;
        this.nativeLowPrecision = policy != Precision.FP32 && LowPrecisionKernels.isFast(policy.lowType());
    }

    @Override
    public StepLoss accumulate(GradientStep step) {
        if (model == null) {
            throw new IllegalStateException("start(model, sampler, precision) was not called");
        }
        int k = step.accumulation();
        double loss = 0;
        long tokens = 0;
        try (Autocast autocast = precision == Precision.FP32 ? null
                : Autocast.open(precision.lowType(), nativeLowPrecision, parameters)) {
            for (int micro = 0; micro < k; micro++) {
                try (Batch batch = step.sampler().next()) {
                    // each micro-batch's mean loss scaled by 1/k: the gradients add up to those
                    // of the mean over all k·B windows
                    Tensor lossTensor = Loss.crossEntropy(model.forward(batch.inputs()), batch.targets());
                    Tensor share = lossTensor.scale(1.0 / k);
                    (step.lossScale() == 1 ? share : share.scale(step.lossScale())).backward();
                    loss += lossTensor.item() / k;
                    tokens += (long) batch.batchSize() * batch.contextLength();
                }
            }
        }
        return new StepLoss(loss, tokens);
    }
}
