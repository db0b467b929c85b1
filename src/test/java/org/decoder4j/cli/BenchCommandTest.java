package org.decoder4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void timesATinyShapeAndCountsItsFlops() throws Exception {
        Cli.Result r = Cli.run("bench", "--layers", 1, "--heads", 2, "--embd", 16, "--context", 8, "--batch-size", 2,
                "--vocab-size", 11, "--steps", 3, "--warmup", 1, "--json");
        assertEquals(0, r.exit(), r::toString);
        JsonNode o = new ObjectMapper().readTree(r.out());
        // parameters: wte 11·16, wpe 8·16, one block (2·16 LN, 4·(16·16+16) attention, 16·64+64 + 64·16+16 MLP), ln_f 2·16
        long params = 11 * 16 + 8 * 16 + 2 * 16 + 4 * (16 * 16 + 16) + (16 * 64 + 64) + (64 * 16 + 16) + 2 * 16 + 2 * 16;
        assertEquals(params, o.get("parameters").asLong());
        assertEquals(6.0 * (params - 8 * 16) + 12.0 * 1 * 16 * 8, o.get("flops_per_token").asDouble(), 1e-6);
        double median = o.get("median_step_ms").asDouble();
        assertTrue(median > 0 && median >= o.get("min_step_ms").asDouble());
        assertEquals(2 * 8 * 1000.0 / median, o.get("tokens_per_s").asDouble(), 1e-6);
        assertTrue(o.get("peak_rss_mb").asLong() > 0);
    }

    @Test
    void refusesShapesThatDoNotFit() {
        Cli.Result r = Cli.run("bench", "--embd", 10, "--heads", 4);
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("not a multiple of --heads"), r::toString);
    }
}
