package org.decoder4j.cli;

import org.decoder4j.nn.Activation;
import org.decoder4j.nn.GPTConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The shape of a new model, shared by {@code train} and {@code bench}: {@code --context},
 * {@code --layers}, {@code --heads}, {@code --embd}, {@code --vocab-size}, {@code --dropout}.
 * A flag left out is null, so that a command can tell "not given" (take the saved model's value)
 * from a default; the defaults are the Shakespeare character recipe's.
 */
final class ModelShapeFlags {

    static final int DEFAULT_CONTEXT = 64;
    static final int DEFAULT_LAYERS = 4;
    static final int DEFAULT_HEADS = 4;
    static final int DEFAULT_EMBD = 128;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--context", paramLabel = "T",
            description = "Tokens per training window; a new model's n_positions (default: 64; with a saved "
                    + "model, its n_positions).")
    Integer context;

    @Option(names = "--layers", paramLabel = "N", description = "Decoder blocks of a new model (default: 4).")
    Integer layers;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads per block (default: 4).")
    Integer heads;

    @Option(names = "--embd", paramLabel = "C", description = "Channels; a multiple of --heads (default: 128).")
    Integer embd;

    @Option(names = "--vocab-size", paramLabel = "V",
            description = "Vocabulary of a new model (default for train: the tokenizer's, else the largest token "
                    + "id + 1; for bench: 65).")
    Integer vocabSize;

    @Option(names = "--dropout", paramLabel = "P",
            description = "Dropout probability (default: 0; with a saved model, its own).")
    Double dropout;

    /**
     * Checks the values given; {@code newModel} also checks that the channels split into the heads
     * (a saved model's shape is its own).
     */
    void check(boolean newModel) {
        positiveIfGiven("--context", context);
        positiveIfGiven("--layers", layers);
        positiveIfGiven("--heads", heads);
        positiveIfGiven("--embd", embd);
        positiveIfGiven("--vocab-size", vocabSize);
        if (dropout != null) {
            Flags.inRange(spec, "--dropout", dropout, 0, 1);
        }
        int c = embd != null ? embd : DEFAULT_EMBD;
        int h = heads != null ? heads : DEFAULT_HEADS;
        if (newModel && c % h != 0) {
            throw Flags.usage(spec, "--embd " + c + " is not a multiple of --heads " + h);
        }
    }

    private void positiveIfGiven(String flag, Integer value) {
        if (value != null) {
            Flags.positive(spec, flag, value);
        }
    }

    /** The configuration of a new model with vocabulary {@code vocab} (GPT-2's tanh GELU, epsilon 1e-5). */
    GPTConfig newConfig(int vocab) {
        return new GPTConfig(vocab, context != null ? context : DEFAULT_CONTEXT,
                layers != null ? layers : DEFAULT_LAYERS, heads != null ? heads : DEFAULT_HEADS,
                embd != null ? embd : DEFAULT_EMBD, dropout != null ? dropout : 0.0, 1e-5, Activation.GELU_TANH);
    }

    /** A saved model's configuration with --dropout applied, after checking that no other shape flag contradicts it. */
    GPTConfig savedConfig(ModelDirectory saved) {
        GPTConfig c = saved.config();
        conflict("--layers", layers, "n_layer", c.layers(), saved);
        conflict("--heads", heads, "n_head", c.heads(), saved);
        conflict("--embd", embd, "n_embd", c.embeddingSize(), saved);
        conflict("--vocab-size", vocabSize, "vocab_size", c.vocabSize(), saved);
        return c.withDropout(dropout != null ? dropout : c.dropout());
    }

    private void conflict(String flag, Integer given, String key, int saved, ModelDirectory model) {
        if (given != null && given != saved) {
            throw Flags.usage(spec, flag + " " + given + " conflicts with the --init model, whose " + key + " is "
                    + saved + " (" + model.path() + "); leave the shape flags out with --init");
        }
    }
}
