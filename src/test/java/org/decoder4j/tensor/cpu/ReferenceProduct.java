package org.decoder4j.tensor.cpu;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The definition of a matrix product, op(a)·op(b) as a float64 triple loop, for the kernels' tests. */
public final class ReferenceProduct {

    private ReferenceProduct() {
    }

    /** op(a)·op(b) of two 2-D arrays of any type and layout, summed in float64. */
    public static INDArray of(INDArray a, boolean transA, INDArray b, boolean transB) {
        INDArray x = transA ? a.transpose() : a;
        INDArray y = transB ? b.transpose() : b;
        INDArray out = Nd4j.zeros(DataType.DOUBLE, x.size(0), y.size(1));
        for (int i = 0; i < x.size(0); i++) {
            for (int j = 0; j < y.size(1); j++) {
                double sum = 0;
                for (int k = 0; k < x.size(1); k++) {
                    sum += x.getDouble(i, k) * y.getDouble(k, j);
                }
                out.putScalar(i, j, sum);
            }
        }
        return out;
    }
}
