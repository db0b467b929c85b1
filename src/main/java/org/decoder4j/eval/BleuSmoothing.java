package org.decoder4j.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What BLEU puts in place of an n-gram precision whose matched count is zero, which would
 * otherwise make the geometric mean, and so the score, zero. The methods are sacreBLEU's (after
 * Chen and Cherry, 2014), and sacreBLEU's default for both corpus and sentence BLEU is
 * {@link #exp()}.
 *
 * <pre>{@code
 * Bleu.corpus().smoothing(BleuSmoothing.none());
 * Bleu.sentence().smoothing(BleuSmoothing.floor(0.1));
 * }</pre>
 *
 * @param method the method
 * @param value  the floor's value; 0 for the other methods
 */
public record BleuSmoothing(Method method, double value) {

    /** sacreBLEU's smoothing methods ({@code add-k} is not implemented). */
    public enum Method {
        /** A zero precision stays zero (its logarithm is floored at -9999999999, as sacreBLEU does). */
        NONE("none"),
        /** A zero count becomes {@code value}: precision {@code 100 * value / total}. */
        FLOOR("floor"),
        /**
         * mteval-v13a's: the k-th order whose count is zero gets precision {@code 100 / (2^k * total)}.
         */
        EXP("exp");

        private final String sacreBleuName;

        Method(String sacreBleuName) {
            this.sacreBleuName = sacreBleuName;
        }

        /**
         * The name sacreBLEU gives the method.
         *
         * @return the method's name
         */
        public String sacreBleuName() {
            return sacreBleuName;
        }
    }

    /** sacreBLEU's default value of {@code floor}. */
    public static final double DEFAULT_FLOOR = 0.1;

    /**
     * Checks that the method is given and that only {@code floor} takes a value, finite and {@code >= 0}.
     *
     * @param method the method
     * @param value  the floor's value; 0 for the other methods
     * @throws IllegalArgumentException for a missing method or a bad value
     */
    public BleuSmoothing {
        if (method == null) {
            throw new IllegalArgumentException("smoothing method is null");
        }
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("smoothing value must be a finite number >= 0, got " + value);
        }
        if (method != Method.FLOOR && value != 0) {
            throw new IllegalArgumentException("smoothing '" + method.sacreBleuName() + "' takes no value, got " + value);
        }
    }

    /**
     * No smoothing.
     *
     * @return no smoothing
     */
    public static BleuSmoothing none() {
        return new BleuSmoothing(Method.NONE, 0);
    }

    /**
     * Exponential decay, sacreBLEU's default.
     *
     * @return exponential smoothing
     */
    public static BleuSmoothing exp() {
        return new BleuSmoothing(Method.EXP, 0);
    }

    /**
     * A zero matched count counts as {@code value}.
     *
     * @param value the count used in place of 0, {@code >= 0}
     * @return floor smoothing
     */
    public static BleuSmoothing floor(double value) {
        return new BleuSmoothing(Method.FLOOR, value);
    }

    /**
     * {@code floor} with sacreBLEU's default value 0.1.
     *
     * @return floor smoothing with 0.1
     */
    public static BleuSmoothing floor() {
        return floor(DEFAULT_FLOOR);
    }

    /**
     * The smoothing as sacreBLEU's signature writes it: {@code exp}, {@code none}, {@code floor[0.10]}.
     *
     * @return the signature's smoothing field
     */
    public String signature() {
        if (method != Method.FLOOR) {
            return method.sacreBleuName();
        }
        return "floor[" + new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN).toPlainString() + "]";
    }
}
