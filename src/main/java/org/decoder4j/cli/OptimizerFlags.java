package org.decoder4j.cli;

import org.decoder4j.optim.Adam;
import org.decoder4j.optim.AdamW;
import org.decoder4j.optim.OptimizerSettings;
import org.decoder4j.optim.SGD;
import org.decoder4j.train.Trainer;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * The optimizer and its gradient clipping: {@code --optimizer}, {@code --lr}, the AdamW and SGD
 * hyperparameters, {@code --weight-decay}, {@code --no-decay-embeddings}, {@code --grad-clip},
 * {@code --clip-norm-type}; defaults of nanoGPT's Shakespeare character recipe.
 */
final class OptimizerFlags {

    /** The choices of {@code --optimizer}. */
    enum Kind { ADAMW, ADAM, SGD }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--optimizer", paramLabel = "adamw|adam|sgd", defaultValue = "ADAMW",
            description = "adamw: decoupled weight decay; adam: weight decay added to the gradient (L2); sgd: "
                    + "with --momentum, --dampening, --nesterov (default: adamw).")
    Kind optimizer;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0",
            description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--dampening", paramLabel = "D", defaultValue = "0",
            description = "SGD dampening of the momentum (default: ${DEFAULT-VALUE}).")
    double dampening;

    @Option(names = "--nesterov", description = "SGD with Nesterov momentum.")
    boolean nesterov;

    @Option(names = "--lr", paramLabel = "LR", defaultValue = "1e-3",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0.1",
            description = "Decoupled weight decay on matrices and embeddings, none on biases and norms "
                    + "(default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--no-decay-embeddings",
            description = "No weight decay on the token and position embeddings (default: decayed, as nanoGPT).")
    boolean noDecayEmbeddings;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW beta1 (default: ${DEFAULT-VALUE}).")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.99", description = "AdamW beta2 (default: ${DEFAULT-VALUE}).")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW epsilon (default: ${DEFAULT-VALUE}).")
    double eps;

    @Option(names = "--grad-clip", paramLabel = "NORM", defaultValue = "1.0",
            description = "Clip the global gradient norm to NORM; 0 = off (default: ${DEFAULT-VALUE}).")
    double gradClip;

    @Option(names = "--clip-norm-type", paramLabel = "2|inf|P", defaultValue = "2", converter = NormType.class,
            description = "Norm of --grad-clip: 2, inf (the largest absolute gradient) or any P > 0 "
                    + "(default: ${DEFAULT-VALUE}).")
    double clipNormType;

    /** Checks the ranges and that the SGD flags come with SGD. */
    void check() {
        Flags.positive(spec, "--lr", lr);
        Flags.nonNegative(spec, "--weight-decay", weightDecay);
        Flags.inRange(spec, "--beta1", beta1, 0, 1);
        Flags.inRange(spec, "--beta2", beta2, 0, 1);
        Flags.positive(spec, "--eps", eps);
        Flags.nonNegative(spec, "--grad-clip", gradClip);
        if (optimizer != Kind.SGD && (momentum != 0 || dampening != 0 || nesterov)) {
            throw Flags.usage(spec, "--momentum, --dampening and --nesterov are for --optimizer sgd");
        }
        Flags.nonNegative(spec, "--momentum", momentum);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw Flags.usage(spec, "--nesterov needs --momentum > 0 and --dampening 0");
        }
    }

    /** Sets the trainer's optimizer, embedding decay and clipping. */
    void applyTo(Trainer trainer) {
        trainer.optimizer(settings()).decayEmbeddings(!noDecayEmbeddings).clipGradNorm(gradClip, clipNormType);
    }

    private OptimizerSettings settings() {
        return switch (optimizer) {
            case ADAMW -> AdamW.lr(lr).betas(beta1, beta2).eps(eps).weightDecay(weightDecay);
            case ADAM -> Adam.lr(lr).betas(beta1, beta2).eps(eps).weightDecay(weightDecay);
            case SGD -> SGD.lr(lr).momentum(momentum).dampening(dampening).nesterov(nesterov).weightDecay(weightDecay);
        };
    }

    /** A norm's p: a positive number, or {@code inf}. */
    static final class NormType implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            if (value.equalsIgnoreCase("inf")) {
                return Double.POSITIVE_INFINITY;
            }
            try {
                double p = Double.parseDouble(value);
                if (p > 0) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new TypeConversionException("must be 2, inf or a positive number, got '" + value + "'");
        }
    }
}
