package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Without oneDNN (here turned off with {@code -Ddecoder4j.onednn=false}, as on a platform whose
 * native library is missing) training runs on the fallback path: OpenBLAS products and emulated
 * bfloat16, in a JVM of its own since the engine is chosen once per process.
 */
class EngineFallbackTest {

    @Test
    void trainsInBothPrecisionsWithoutOneDnn() throws Exception {
        for (String precision : List.of("fp32", "bf16")) {
            JsonNode o = bench("-Ddecoder4j.onednn=false", precision);
            assertTrue(o.get("engine").asText().startsWith("OpenBLAS products, bfloat16 emulated"), o.toString());
            assertTrue(o.get("median_step_ms").asDouble() > 0, o.toString());
        }
    }

    @Test
    void usesOneDnnWhereItLoads() throws Exception {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (!os.contains("linux") || !System.getProperty("os.arch", "").matches("amd64|x86_64")) {
            return;                                                     // oneDNN's natives are bundled for linux-x86_64
        }
        JsonNode o = bench("-Ddecoder4j.onednn=true", "fp32");
        assertTrue(o.get("engine").asText().startsWith("oneDNN 2.5 ("), o.toString());
    }

    private static JsonNode bench(String property, String precision) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx512m", property, "-cp", System.getProperty("java.class.path"),
                "org.decoder4j.cli.Main", "bench", "--layers=1", "--heads=2", "--embd=16", "--context=8",
                "--batch-size=2", "--steps=2", "--warmup=1", "--precision=" + precision, "--json")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bench did not finish");
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        String[] lines = text.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
}
