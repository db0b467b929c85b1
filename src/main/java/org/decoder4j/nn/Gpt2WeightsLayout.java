package org.decoder4j.nn;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import org.decoder4j.io.SafeTensorsFile;
import org.decoder4j.io.TensorInfo;

/**
 * Checks a {@code model.safetensors} header against the GPT-2 tensors a {@code config.json}
 * describes: the total number of weights first, then every name and shape. It reads only the
 * header, so a config that claims a model far larger than its weights file (a million layers
 * beside a 19 KB file) is refused before the model is allocated.
 *
 * <pre>{@code
 * try (SafeTensorsFile file = SafeTensors.open(weights)) {
 *     Gpt2WeightsLayout.check(config, file, configFile.toString());
 * }
 * }</pre>
 */
final class Gpt2WeightsLayout {

    private Gpt2WeightsLayout() {
    }

    /**
     * @param configOrigin the config file, for messages
     * @throws IOException naming both files and the first difference
     */
    static void check(GPTConfig c, SafeTensorsFile file, String configOrigin) throws IOException {
        Map<String, TensorInfo> byName = new HashMap<>();
        double held = 0;
        for (TensorInfo t : file.tensors()) {
            String name = t.name().startsWith("transformer.") ? t.name().substring("transformer.".length()) : t.name();
            if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.equals("lm_head.weight")) {
                continue;                                                   // mask buffers and the tied head
            }
            byName.put(name, t);
            held += t.elementCount();
        }
        try {
            expectAll(c, byName, file, configOrigin);
        } catch (IOException difference) {
            double described = ModelMemory.parameterCount(c);
            if (held == described) {
                throw difference;
            }
            throw new IOException(String.format(java.util.Locale.ROOT,
                    "%s describes a model of %.0f weights (vocab_size %d, n_positions %d, n_layer %d, n_embd %d) "
                            + "but %s holds %.0f (%d layers); the config and the weights do not belong together (%s)",
                    configOrigin, described, c.vocabSize(), c.contextLength(), c.layers(), c.embeddingSize(),
                    file.path(), held, layersIn(byName), difference.getMessage()), difference);
        }
    }

    /** Takes every expected tensor out of {@code byName}, failing at the first difference. */
    private static void expectAll(GPTConfig c, Map<String, TensorInfo> byName, SafeTensorsFile file,
                                  String configOrigin) throws IOException {
        Map<String, TensorInfo> left = new HashMap<>(byName);
        long e = c.embeddingSize();
        expect(left, file, "wte.weight", c.vocabSize(), e);
        expect(left, file, "wpe.weight", c.contextLength(), e);
        for (int i = 0; i < c.layers(); i++) {
            String h = "h." + i + ".";
            expect(left, file, h + "ln_1.weight", e);
            expect(left, file, h + "ln_1.bias", e);
            expect(left, file, h + "attn.c_attn.weight", e, 3 * e);
            expect(left, file, h + "attn.c_attn.bias", 3 * e);
            expect(left, file, h + "attn.c_proj.weight", e, e);
            expect(left, file, h + "attn.c_proj.bias", e);
            expect(left, file, h + "ln_2.weight", e);
            expect(left, file, h + "ln_2.bias", e);
            expect(left, file, h + "mlp.c_fc.weight", e, 4 * e);
            expect(left, file, h + "mlp.c_fc.bias", 4 * e);
            expect(left, file, h + "mlp.c_proj.weight", 4 * e, e);
            expect(left, file, h + "mlp.c_proj.bias", e);
        }
        expect(left, file, "ln_f.weight", e);
        expect(left, file, "ln_f.bias", e);
        if (!left.isEmpty()) {
            throw new IOException(file.path() + ": unexpected tensor(s) " + new TreeSet<>(left.keySet())
                    + " for the " + c.layers() + "-layer GPT-2 of " + configOrigin);
        }
    }

    private static void expect(Map<String, TensorInfo> byName, SafeTensorsFile file, String name, long... shape)
            throws IOException {
        TensorInfo t = byName.remove(name);
        if (t == null) {
            throw new IOException(file.path() + ": missing tensor " + name);
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IOException(file.path() + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape));
        }
    }

    private static int layersIn(Map<String, TensorInfo> byName) {
        return (int) byName.keySet().stream().filter(n -> n.matches("h\\.\\d+\\..*"))
                .map(n -> n.substring(0, n.indexOf('.', 2))).distinct().count();
    }
}
