package org.decoder4j.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed and validated JSON header of a safetensors file: every tensor entry is checked
 * against the size of the data region before anything is allocated from it.
 *
 * @param tensors entries in data order (ascending offsets)
 * @param metadata the {@code __metadata__} string map, empty if absent
 */
record SafeTensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata) {

    static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Parses a header.
     *
     * @param json the header bytes (UTF-8 JSON, possibly padded with trailing spaces)
     * @param dataLength bytes in the data region after the header
     * @param source the file, for messages
     */
    static SafeTensorsHeader parse(byte[] json, long dataLength, String source) throws SafeTensorsFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new SafeTensorsFormatException(source + ": header is not valid JSON: " + e.getOriginalMessage()
                    + (at < 0 ? "" : " (at header byte " + at + ", file byte offset " + (8 + at) + ")")
                    + "; the header is one JSON object, padded with spaces only", e);
        } catch (IOException e) {
            throw new SafeTensorsFormatException(source + ": header cannot be parsed: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsFormatException(source + ": header must be a JSON object, found "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }
        Map<String, String> metadata = Map.of();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue(), source);
            } else {
                tensors.add(parseTensor(field.getKey(), field.getValue(), dataLength, source));
            }
        }
        tensors.sort(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd));
        checkContiguous(tensors, dataLength, source);
        return new SafeTensorsHeader(Collections.unmodifiableList(tensors), metadata);
    }

    private static Map<String, String> parseMetadata(JsonNode node, String source) throws SafeTensorsFormatException {
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(source + ": " + METADATA_KEY + " must be an object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new SafeTensorsFormatException(source + ": " + METADATA_KEY + " value for '" + e.getKey()
                        + "' must be a string, found " + e.getValue());
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo parseTensor(String name, JsonNode node, long dataLength, String source)
            throws SafeTensorsFormatException {
        String where = source + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafeTensorsFormatException(where + ": entry must be an object, found " + node);
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafeTensorsFormatException(where + ": missing or non-string \"dtype\"");
        }
        SafeTensorsDtype dtype = SafeTensorsDtype.fromCode(dtypeNode.textValue())
                .orElseThrow(() -> new SafeTensorsFormatException(where + ": unsupported dtype \""
                        + dtypeNode.textValue() + "\" (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
        long[] shape = nonNegativeIntegers(node.get("shape"), "shape", where);
        long[] offsets = nonNegativeIntegers(node.get("data_offsets"), "data_offsets", where);
        if (offsets.length != 2) {
            throw new SafeTensorsFormatException(where + ": \"data_offsets\" must hold 2 numbers, found "
                    + offsets.length);
        }
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafeTensorsFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafeTensorsFormatException(where + ": data_offsets [" + begin + ", " + end
                    + "] reach beyond the data region, which is " + dataLength + " bytes");
        }
        long bytes;
        try {
            long elements = 1;
            for (long d : shape) {
                elements = Math.multiplyExact(elements, d);
            }
            bytes = Math.multiplyExact(elements, (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafeTensorsFormatException(where + ": shape " + java.util.Arrays.toString(shape)
                    + " is too large");
        }
        if (bytes != end - begin) {
            throw new SafeTensorsFormatException(where + ": shape " + java.util.Arrays.toString(shape) + " of "
                    + dtype.code() + " needs " + bytes + " bytes but data_offsets [" + begin + ", " + end
                    + "] span " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    private static long[] nonNegativeIntegers(JsonNode node, String field, String where)
            throws SafeTensorsFormatException {
        if (node == null || !node.isArray()) {
            throw new SafeTensorsFormatException(where + ": missing or non-array \"" + field + "\"");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafeTensorsFormatException(where + ": \"" + field + "\" element " + i
                        + " must be a non-negative integer, found " + v);
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** Tensors (sorted by offset) must tile the data region exactly: no overlap, no gap, no tail. */
    private static void checkContiguous(List<TensorInfo> tensors, long dataLength, String source)
            throws SafeTensorsFormatException {
        long expected = 0;
        TensorInfo previous = null;
        for (TensorInfo t : tensors) {
            if (t.dataBegin() < expected) {
                throw new SafeTensorsFormatException(source + ": tensor '" + t.name() + "' at bytes ["
                        + t.dataBegin() + ", " + t.dataEnd() + ") overlaps tensor '" + previous.name()
                        + "' at bytes [" + previous.dataBegin() + ", " + previous.dataEnd() + ")");
            }
            if (t.dataBegin() > expected) {
                throw new SafeTensorsFormatException(source + ": gap of " + (t.dataBegin() - expected)
                        + " bytes in the data region at bytes [" + expected + ", " + t.dataBegin()
                        + ") before tensor '" + t.name() + "'");
            }
            expected = t.dataEnd();
            previous = t;
        }
        if (expected != dataLength) {
            throw new SafeTensorsFormatException(source + ": data region is " + dataLength
                    + " bytes but the tensors cover only [0, " + expected + ")");
        }
    }
}
