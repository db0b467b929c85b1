package org.decoder4j.tensor;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row lookup in an embedding table: {@code out[i] = weight[ids[i]]}. The backward pass adds each
 * output gradient row into the row it came from ({@code scatter_add} accumulates repeated ids).
 */
public final class EmbeddingOp {

    private EmbeddingOp() {
    }

    /**
     * @param weight the table {@code [V, C]}
     * @param ids    integer ids of any shape S, each in [0, V)
     * @return {@code [S..., C]}
     */
    public static Tensor apply(Tensor weight, INDArray ids) {
        long vocab = weight.shape()[0];
        long channels = weight.shape()[1];
        INDArray flatIds = ids.reshape(ids.length());
        if (ids.length() > 0) {
            long max = flatIds.maxNumber().longValue();
            long min = flatIds.minNumber().longValue();
            if (max >= vocab || min < 0) {
                throw new IllegalArgumentException("token id " + (max >= vocab ? max : min)
                        + " is outside the embedding table of " + vocab + " rows");
            }
        }
        INDArray rows = Nd4j.createUninitialized(weight.dataType(), ids.length(), channels);  // (N, C)
        Nd4j.exec(DynamicCustomOp.builder("gather")
                .addInputs(weight.value(), flatIds)
                .addOutputs(rows)
                .addIntegerArguments(0)
                .build());
        long[] outShape = new long[ids.rank() + 1];
        System.arraycopy(ids.shape(), 0, outShape, 0, ids.rank());
        outShape[ids.rank()] = channels;

        return Tensor.fromOp("embedding", rows.reshape('c', outShape), dy -> {
            INDArray table = Nd4j.zeros(dy.dataType(), vocab, channels);        // (V, C)
            Nd4j.exec(DynamicCustomOp.builder("scatter_add")
                    .addInputs(table, flatIds, dy.reshape('c', flatIds.length(), channels))
                    .addOutputs(table)
                    .build());
            return new INDArray[] {table};
        }, weight);
    }
}
