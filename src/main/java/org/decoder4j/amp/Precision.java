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

    /**
     * The type products run in; null for {@link #FP32}.
     *
     * @return the low-precision type, or null
     */
    public DataType lowType() {
        return lowType;
    }

    /**
     * The command-line name: fp32, bf16 or fp16.
     *
     * @return the name the command line's {@code --precision} takes
     */
    public String flag() {
        return flag;
    }

    /**
     * Opens the scope a training step's products run in under this policy: none for FP32 (null,
     * which try-with-resources accepts), else an {@link Autocast} in the low type, on native
     * kernels where this processor has them.
     *
     * <pre>{@code
     * try (Autocast scope = precision.autocast(model.parameters())) {
     *     loss.backward();
     * }
     * }</pre>
     *
     * @param parameters the model's parameters, which stay float32 (their low-precision copies are
     *     cached for the step)
     * @return the scope to close when the step's forward and backward are done, or null for FP32
     */
    public Autocast autocast(Collection<Tensor> parameters) {
        return lowType == null ? null : Autocast.open(lowType, parameters);
    }

    /**
     * Whether this policy's products run on native low-precision kernels here (bf16 on processors
     * with AVX512-BF16 or AMX); false for FP32, and where the low precision is emulated on float32.
     *
     * @return true where the products run natively in the low precision
     */
    public boolean hasNativeKernels() {
        return lowType != null && Autocast.hasNativeKernels(lowType);
    }

    /**
     * Whether PyTorch's recipe uses a loss scaler with this precision (only fp16 needs one).
     *
     * @return true for FP16_MIXED
     */
    public boolean needsLossScaling() {
        return this == FP16_MIXED;
    }

    /**
     * The precision named {@code name}: fp32, bf16 or fp16 (also bf16-mixed, fp16-mixed; any case).
     *
     * @throws IllegalArgumentException for any other name, listing the accepted ones
     * @param name the name to parse
     * @return the precision
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
