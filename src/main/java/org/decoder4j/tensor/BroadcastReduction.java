package org.decoder4j.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Sums a gradient over the axes along which its input was broadcast (numpy rules). */
final class BroadcastReduction {

    private BroadcastReduction() {
    }

    /**
     * @param grad   gradient of the broadcast result, shape {@code resultShape}
     * @param target shape of the input that was broadcast
     * @return a gradient of shape {@code target}
     */
    static INDArray reduceTo(INDArray grad, long[] target) {
        long[] shape = grad.shape();
        if (Arrays.equals(shape, target)) {
            return grad;
        }
        int lead = shape.length - target.length;
        int[] axes = new int[shape.length];
        int count = 0;
        for (int i = 0; i < shape.length; i++) {
            boolean leading = i < lead;
            if (leading || (target[i - lead] == 1 && shape[i] != 1)) {
                axes[count++] = i;
            }
        }
        INDArray summed = count == 0 ? grad : grad.sum(true, Arrays.copyOf(axes, count));
        return summed.reshape(target);
    }
}
