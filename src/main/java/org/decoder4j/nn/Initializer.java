package org.decoder4j.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded parameter initialisation shared by the layers of one model, so that a seed fixes every
 * initial weight.
 *
 * <pre>{@code
 * Initializer init = new Initializer(1337, DataType.FLOAT);
 * INDArray w = init.normal(0.02, 128, 64);
 * }</pre>
 */
public final class Initializer {

    private final Random random;
    private final DataType dataType;

    public Initializer(long seed, DataType dataType) {
        this(Nd4j.getRandomFactory().getNewRandomInstance(seed), dataType);
    }

    private Initializer(Random random, DataType dataType) {
        this.random = random;
        this.dataType = dataType;
    }

    /** An initializer whose "random" values are all zero: for models whose weights are loaded next. */
    public static Initializer forLoading(DataType dataType) {
        return new Initializer((Random) null, dataType);
    }

    /** Normal(0, std²) values (zeros for {@link #forLoading}). */
    public INDArray normal(double std, long... shape) {
        if (random == null) {
            return Nd4j.zeros(dataType, shape);
        }
        INDArray a = Nd4j.createUninitialized(dataType, shape);
        Nd4j.getExecutioner().exec(new GaussianDistribution(a, 0.0, std), random);
        return a;
    }

    public INDArray zeros(long... shape) {
        return Nd4j.zeros(dataType, shape);
    }

    public INDArray ones(long... shape) {
        return Nd4j.ones(dataType, shape);
    }

    public DataType dataType() {
        return dataType;
    }
}
