package org.decoder4j.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sacreBLEU fixture of tools/fixtures/make_bleu_fixtures.py (section g of its README). */
final class BleuFixture {

    static final Path DIR = Path.of("src/test/resources/fixtures/bleu");

    private static JsonNode root;

    private BleuFixture() {
    }

    static synchronized JsonNode root() {
        if (root == null) {
            try {
                root = new ObjectMapper().readTree(DIR.resolve("bleu.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    static List<String> strings(JsonNode array) {
        List<String> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }

    static List<Long> longs(JsonNode array) {
        List<Long> list = new ArrayList<>();
        array.forEach(n -> list.add(n.asLong()));
        return list;
    }

    /** The BLEU settings of a case: tokenizer, smoothing, effective order, on top of {@code base}. */
    static Bleu configure(Bleu base, JsonNode settings) {
        BleuSmoothing smoothing = switch (settings.get("smooth_method").asText()) {
            case "exp" -> BleuSmoothing.exp();
            case "none" -> BleuSmoothing.none();
            case "floor" -> BleuSmoothing.floor(settings.get("smooth_value").asDouble());
            default -> throw new IllegalArgumentException("fixture smoothing " + settings.get("smooth_method"));
        };
        return base.tokenizer(BleuTokenizer.named(settings.get("tokenize").asText()))
                .smoothing(smoothing)
                .effectiveOrder(settings.get("effective_order").asBoolean());
    }
}
