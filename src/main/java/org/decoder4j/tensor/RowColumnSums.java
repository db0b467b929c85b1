package org.decoder4j.tensor;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sums and means along one axis of a matrix as products with a vector of ones. ND4J's reductions
 * along an axis walk the matrix in sub-arrays and cost several times a BLAS matrix-vector product
 * at the sizes of a training step (measured in docs/benchmarks.md, "Measurements behind the code").
 */
final class RowColumnSums {

    private static final Map<String, INDArray> ONES = new ConcurrentHashMap<>();

    private RowColumnSums() {
    }

    /** Σ over rows of {@code x [N, C]}: a new {@code [C]}. */
    static INDArray columnSums(INDArray x) {
        long n = x.size(0);
        return MatMul.exact(ones(n, x.dataType()).reshape(1, n), false, x, false).reshape(x.size(1));
    }

    /** Mean over columns of {@code x [N, C]}: a new {@code [N, 1]}. */
    static INDArray rowMeans(INDArray x) {
        long c = x.size(1);
        return MatMul.exact(x, false, ones(c, x.dataType()).reshape(c, 1), false).muli(1.0 / c);
    }

    private static INDArray ones(long n, DataType type) {
        return ONES.computeIfAbsent(n + ":" + type, key -> MemoryScope.persistent(() -> Nd4j.ones(type, n)));
    }
}
