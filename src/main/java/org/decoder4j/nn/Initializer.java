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

    /**
     * An initializer drawing from ND4J's generator seeded with {@code seed}.
     *
     * @param seed the seed
     * @param dataType the type of the arrays made
     */
    public Initializer(long seed, DataType dataType) {
        this(Nd4j.getRandomFactory().getNewRandomInstance(seed), dataType);
    }

    private Initializer(Random random, DataType dataType) {
        this.random = random;
        this.dataType = dataType;
    }

    /**
     * An initializer whose "random" values are all zero: for models whose weights are loaded next.
     *
     * @param dataType the type of the arrays made
     * @return the initializer
     */
    public static Initializer forLoading(DataType dataType) {
        return new Initializer((Random) null, dataType);
    }

    /**
     * Normal(0, std²) values (zeros for {@link #forLoading}).
     *
     * @param std the standard deviation
     * @param shape the array's shape
     * @return a new array
     */
    public INDArray normal(double std, long... shape) {
        if (random == null) {
            return Nd4j.zeros(dataType, shape);
        }
        INDArray a = Nd4j.createUninitialized(dataType, shape);
        Nd4j.getExecutioner().exec(new GaussianDistribution(a, 0.0, std), random);
        return a;
    }

    /**
     * Zeros of the initializer's type.
     *
     * @param shape the array's shape
     * @return a new array
     */
    public INDArray zeros(long... shape) {
        return Nd4j.zeros(dataType, shape);
    }

    /**
     * Ones of the initializer's type.
     *
     * @param shape the array's shape
     * @return a new array
     */
    public INDArray ones(long... shape) {
        return Nd4j.ones(dataType, shape);
    }

    /**
     * The type of the arrays made.
     *
     * @return the type
     */
    public DataType dataType() {
        return dataType;
    }
}
