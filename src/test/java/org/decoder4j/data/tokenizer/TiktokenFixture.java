package org.decoder4j.data.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The GPT-2 token ids computed by tiktoken, written by tools/fixtures/tiktoken/make_gpt2_fixtures.mjs
 * into src/test/resources/fixtures/tiktoken/gpt2.json.
 */
public final class TiktokenFixture {

    public static final JsonNode GPT2 = read("/fixtures/tiktoken/gpt2.json");

    private TiktokenFixture() {
    }

    private static JsonNode read(String resource) {
        try (InputStream in = TiktokenFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static int[] ids(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = array.get(i).intValue();
        }
        return ids;
    }

    /** SHA-256 of the ids as little-endian uint16, the digest the fixture stores. */
    public static String sha256Uint16(int[] ids) {
        byte[] bytes = new byte[2 * ids.length];
        for (int i = 0; i < ids.length; i++) {
            bytes[2 * i] = (byte) ids[i];
            bytes[2 * i + 1] = (byte) (ids[i] >>> 8);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
