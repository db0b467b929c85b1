package org.decoder4j.eval;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * How BLEU cuts a segment into tokens before counting n-grams, named as sacreBLEU names them.
 * Either way the segment loses its trailing whitespace first and is then split at whitespace.
 *
 * <pre>{@code
 * BleuTokenizer.named("13a").tokenize("Hello, world!");   // "Hello , world !"
 * Bleu.corpus().tokenizer(BleuTokenizer.NONE);            // score pre-tokenised text as it is
 * }</pre>
 */
public enum BleuTokenizer {

    /** sacreBLEU's default, {@code 13a}: the tokenisation of mteval-v13a.pl. */
    MTEVAL_13A("13a") {
        @Override
        public String tokenize(String segment) {
            return Mteval13aTokenizer.tokenize(PythonWhitespace.stripTrailing(segment));
        }
    },

    /** {@code none}: tokens are what whitespace separates. */
    NONE("none") {
        @Override
        public String tokenize(String segment) {
            return PythonWhitespace.stripTrailing(segment);
        }
    };

    private final String sacreBleuName;

    BleuTokenizer(String sacreBleuName) {
        this.sacreBleuName = sacreBleuName;
    }

    /**
     * The segment as BLEU sees it: tokens separated by whitespace.
     *
     * @param segment one line of text
     * @return the tokens joined by single spaces
     */
    public abstract String tokenize(String segment);

    /**
     * The name sacreBLEU gives this tokenizer ({@code 13a}, {@code none}).
     *
     * @return the name
     */
    public String sacreBleuName() {
        return sacreBleuName;
    }

    /**
     * The tokenizer with this sacreBLEU name.
     *
     * @throws IllegalArgumentException for any other name, listing the known ones
     * @param name {@code 13a} or {@code none}
     * @return the tokenizer
     */
    public static BleuTokenizer named(String name) {
        for (BleuTokenizer t : values()) {
            if (t.sacreBleuName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown BLEU tokenizer '" + name + "', expected one of "
                + Arrays.stream(values()).map(BleuTokenizer::sacreBleuName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return sacreBleuName;
    }
}
