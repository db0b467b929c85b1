package org.decoder4j.io;

import java.util.Optional;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The element types this library reads and writes in safetensors files, with their header codes
 * and sizes. {@link #F16} and {@link #BF16} are loaded as ND4J {@code FLOAT}; every other type
 * loads as its ND4J counterpart.
 *
 * <pre>{@code
 * SafeTensorsDtype t = SafeTensorsDtype.fromCode("BF16").orElseThrow();
 * int bytes = t.byteSize();                  // 2
 * DataType loaded = t.loadedType();          // DataType.FLOAT
 * }</pre>
 */
@SuppressWarnings("deprecation") // LONG, INT, ... are the constants ND4J arrays report at run time
public enum SafeTensorsDtype {
    F64("F64", 8, DataType.DOUBLE),
    F32("F32", 4, DataType.FLOAT),
    F16("F16", 2, DataType.FLOAT),
    BF16("BF16", 2, DataType.FLOAT),
    I64("I64", 8, DataType.LONG),
    I32("I32", 4, DataType.INT),
    I16("I16", 2, DataType.SHORT),
    I8("I8", 1, DataType.BYTE),
    U8("U8", 1, DataType.UBYTE),
    BOOL("BOOL", 1, DataType.BOOL);

    private final String code;
    private final int byteSize;
    private final DataType loadedType;

    SafeTensorsDtype(String code, int byteSize, DataType loadedType) {
        this.code = code;
        this.byteSize = byteSize;
        this.loadedType = loadedType;
    }

    /** The string used in the header's {@code "dtype"} field, e.g. {@code "F32"}. */
    public String code() {
        return code;
    }

    /** Bytes per element in the file. */
    public int byteSize() {
        return byteSize;
    }

    /** The ND4J type an element of this kind becomes when loaded. */
    public DataType loadedType() {
        return loadedType;
    }

    /** The dtype with this header code, or empty if this library does not support it. */
    public static Optional<SafeTensorsDtype> fromCode(String code) {
        for (SafeTensorsDtype t : values()) {
            if (t.code.equals(code)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * The dtype an ND4J array of this type is stored as by default.
     *
     * @throws IllegalArgumentException for ND4J types safetensors cannot hold here (e.g. UTF8)
     */
    public static SafeTensorsDtype storing(DataType type) {
        return switch (type) {
            case DOUBLE -> F64;
            case FLOAT -> F32;
            case HALF -> F16;
            case BFLOAT16 -> BF16;
            case LONG -> I64;
            case INT -> I32;
            case SHORT -> I16;
            case BYTE -> I8;
            case UBYTE -> U8;
            case BOOL -> BOOL;
            default -> throw new IllegalArgumentException(
                    "ND4J type " + type + " has no safetensors dtype supported here");
        };
    }
}
