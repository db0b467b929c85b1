package org.decoder4j.io;

import java.io.IOException;

/**
 * A safetensors file that cannot be read as one: truncated, with a malformed header, or with
 * tensor entries that do not describe the data that follows. The message names the file and
 * the offending tensor or byte offsets.
 *
 * <pre>{@code
 * try {
 *     Map<String, INDArray> weights = SafeTensors.read(Path.of("model.safetensors"));
 * } catch (SafeTensorsFormatException e) {
 *     // e.getMessage(): "model.safetensors: tensor 'wte.weight' has data_offsets [0, 12] ..."
 * }
 * }</pre>
 */
public final class SafeTensorsFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with a message that says what is wrong and where.
     *
     * @param message what is wrong and where
     */
    public SafeTensorsFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a message and the parse error that caused it.
     *
     * @param message what is wrong and where
     * @param cause the parse error
     */
    public SafeTensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
