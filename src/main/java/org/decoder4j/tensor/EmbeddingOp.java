package org.decoder4j.tensor;

import java.nio.FloatBuffer;
import org.decoder4j.tensor.cpu.FloatMemory;
import org.nd4j.linalg.api.buffer.DataType;
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
        if (FloatMemory.isDenseFloat(weight.value()) && ids.length() > 0
                && FloatMemory.fitsOneBuffer(ids.length() * channels)) {
            return rowCopies(weight, ids, flatIds.toLongVector(), (int) vocab, (int) channels);
        }
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

    /**
     * Float32 tables: the rows copied in Java, and the gradient added row by row in id order, as
     * ND4J's {@code scatter_add} does; no native call but the zeroed gradient table.
     */
    private static Tensor rowCopies(Tensor weight, INDArray ids, long[] idValues, int vocab, int channels) {
        for (int i = 0; i < idValues.length; i++) {
            if (idValues[i] < 0 || idValues[i] >= vocab) {
                throw new IllegalArgumentException("token id " + idValues[i]
                        + " is outside the embedding table of " + vocab + " rows");
            }
        }
        int n = idValues.length;
        INDArray rows = Nd4j.createUninitialized(DataType.FLOAT, n, channels);  // (N, C)
        FloatBuffer table = FloatMemory.of(weight.value());
        FloatBuffer out = FloatMemory.of(rows);
        float[] row = new float[channels];
        for (int i = 0; i < n; i++) {
            table.get((int) idValues[i] * channels, row);
            out.put(i * channels, row);
        }
        long[] outShape = new long[ids.rank() + 1];
        System.arraycopy(ids.shape(), 0, outShape, 0, ids.rank());
        outShape[ids.rank()] = channels;

        return Tensor.fromOp("embedding", rows.reshape('c', outShape), dy -> {
            INDArray dy2 = dy.reshape('c', n, channels);                        // (N, C)
            FloatBuffer gradients = FloatMemory.of(FloatMemory.isDenseFloat(dy2) ? dy2 : dy2.dup('c'));
            INDArray grad = Nd4j.zeros(DataType.FLOAT, vocab, channels);        // (V, C)
            FloatBuffer sums = FloatMemory.of(grad);
            float[] g = new float[channels];
            float[] sum = new float[channels];
            for (int i = 0; i < n; i++) {
                int at = (int) idValues[i] * channels;
                gradients.get(i * channels, g);
                sums.get(at, sum);
                for (int j = 0; j < channels; j++) {
                    sum[j] += g[j];
                }
                sums.put(at, sum);
            }
            return new INDArray[] {grad};
        }, weight);
    }
}
