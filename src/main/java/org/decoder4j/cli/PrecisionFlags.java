package org.decoder4j.cli;

import org.decoder4j.amp.MixedPrecision;
import org.decoder4j.amp.Precision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --precision} and {@code --loss-scale}, shared by {@code train} and {@code bench}, read
 * into one {@link MixedPrecision} value.
 */
final class PrecisionFlags {

    /** The choices of {@code --loss-scale}. */
    enum LossScale { DYNAMIC, OFF }

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--precision", paramLabel = "fp32|bf16|fp16", defaultValue = "fp32",
            converter = PrecisionConverter.class,
            description = "fp32; bf16: matrix products in bfloat16 (fast with the oneDNN build of ND4J, emulated "
                    + "otherwise); fp16: products in float16 with dynamic loss scaling. "
                    + "Weights, optimizer and everything else stay float32 (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--loss-scale", paramLabel = "dynamic|off", defaultValue = "DYNAMIC",
            description = "Loss scaling for fp16 (PyTorch's GradScaler: 2^16, x2 every 2000 clean steps, x0.5 on "
                    + "overflow); off is refused with fp16 (default: dynamic).")
    LossScale lossScale;

    /** Refuses fp16 without loss scaling. */
    void check() {
        if (precision == Precision.FP16_MIXED && lossScale == LossScale.OFF) {
            throw Flags.usage(spec, "--precision fp16 needs --loss-scale dynamic: without loss scaling small "
                    + "float16 gradients flush to zero (bf16 needs none)");
        }
    }

    /** The precision and its loss-scaling policy. */
    MixedPrecision mixedPrecision() {
        MixedPrecision p = MixedPrecision.of(precision);
        return lossScale == LossScale.OFF ? p.withoutLossScaling() : p;
    }

    /** {@link Precision#parse}: fp32, bf16, fp16 and their long names. */
    static final class PrecisionConverter implements ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            try {
                return Precision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
