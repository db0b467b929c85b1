package org.decoder4j.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Range checks of flag values; a failure is a usage error (exit status 2). */
final class Flags {

    private Flags() {
    }

    static ParameterException usage(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static void positive(CommandSpec spec, String flag, long value) {
        if (value <= 0) {
            throw usage(spec, flag + " must be positive, got " + value);
        }
    }

    static void nonNegative(CommandSpec spec, String flag, long value) {
        if (value < 0) {
            throw usage(spec, flag + " must be >= 0, got " + value);
        }
    }

    static void nonNegative(CommandSpec spec, String flag, double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw usage(spec, flag + " must be a finite number >= 0, got " + value);
        }
    }

    static void positive(CommandSpec spec, String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw usage(spec, flag + " must be a finite number > 0, got " + value);
        }
    }

    /** {@code low <= value < high}. */
    static void inRange(CommandSpec spec, String flag, double value, double low, double high) {
        if (!(value >= low && value < high)) {
            throw usage(spec, flag + " must be in [" + low + ", " + high + "), got " + value);
        }
    }
}
