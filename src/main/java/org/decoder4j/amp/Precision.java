package org.decoder4j.amp;

import java.util.Collection;
import java.util.Locale;
import org.decoder4j.tensor.Autocast;
import org.decoder4j.tensor.Tensor;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a training step computes in: all float32, or PyTorch's mixed precision — matrix products in
 * bfloat16 or float16, everything else and the master weights in float32.
 *
 * <pre>{@code
 * Trainer.forModel(model).precision(Precision.BF16_MIXED)...fit();
 * Precision p = Precision.parse("fp16");                 // FP16_MIXED
 * }</pre>
 */
public enum Precision {
    /** Everything in float32. */
    FP32(null, "fp32"),
    /** Products in bfloat16; no loss scaling needed (bfloat16 has float32's range). */
    BF16_MIXED(DataType.BFLOAT16, "bf16"),
    /** Products in float16, with dynamic loss scaling ({@link GradScaler}) against underflow. */
    FP16_MIXED(DataType.HALF, "fp16");

    private final DataType lowType;
    private final String flag;

    Precision(DataType lowType, String flag) {
        this.lowType = lowType;
        this.flag = flag;
    }

    /** The type products run in; null for {@link #FP32}. */
    public DataType lowType() {
        return lowType;
    }

    /** The command-line name: fp32, bf16 or fp16. */
    public String flag() {
        return flag;
    }

    /**
     * Opens the scope a training step's products run in under this policy: none for FP32 (null,
     * which try-with-resources accepts), else an {@link Autocast} in the low type, with native
     * kernels where this ND4J build has fast ones.
     *
     * <pre>{@code
     * try (Autocast scope = precision.autocast(model.parameters())) {
     *     loss.backward();
     * }
     * }</pre>
     */
    public Autocast autocast(Collection<Tensor> parameters) {
        return lowType == null ? null : Autocast.open(lowType, LowPrecisionKernels.isFast(lowType), parameters);
    }

    /**
     * Like {@link #autocast(Collection)}, with native kernels chosen for the products of a model
     * whose feed-forward layer multiplies {@code rows × width} activations by a
     * {@code 4·width × width} weight (see {@link LowPrecisionKernels#isFast(DataType, int, int, int)}):
     * whether ND4J's low-precision kernel beats float32 depends on the shape.
     *
     * @param rows  tokens per step (batch × context), capped at 4096 for the timing
     * @param width the model's embedding size
     */
    public Autocast autocast(Collection<Tensor> parameters, long rows, int width) {
        return lowType == null ? null : Autocast.open(lowType, hasFastKernels(rows, width), parameters);
    }

    /** Whether this policy's products run on native kernels for a model of that shape (false for FP32). */
    public boolean hasFastKernels(long rows, int width) {
        return lowType != null && LowPrecisionKernels.isFast(lowType, (int) Math.min(rows, 4096), width, 4 * width);
    }

    /** Whether PyTorch's recipe uses a loss scaler with this precision (only fp16 needs one). */
    public boolean needsLossScaling() {
        return this == FP16_MIXED;
    }

    /**
     * The precision named {@code name}: fp32, bf16 or fp16 (also bf16-mixed, fp16-mixed; any case).
     *
     * @throws IllegalArgumentException for any other name, listing the accepted ones
     */
    public static Precision parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "fp32", "float32", "32" -> FP32;
            case "bf16", "bf16-mixed", "bfloat16" -> BF16_MIXED;
            case "fp16", "fp16-mixed", "float16", "16" -> FP16_MIXED;
            default -> throw new IllegalArgumentException("unknown precision '" + name
                    + "': use fp32, bf16 or fp16");
        };
    }
}
