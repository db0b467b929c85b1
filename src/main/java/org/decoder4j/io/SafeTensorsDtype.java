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
    /** 64-bit floating point. */
    F64("F64", 8, DataType.DOUBLE),
    /** 32-bit floating point. */
    F32("F32", 4, DataType.FLOAT),
    /** IEEE 16-bit floating point, loaded as float32. */
    F16("F16", 2, DataType.FLOAT),
    /** bfloat16, loaded as float32. */
    BF16("BF16", 2, DataType.FLOAT),
    /** 64-bit signed integer. */
    I64("I64", 8, DataType.LONG),
    /** 32-bit signed integer. */
    I32("I32", 4, DataType.INT),
    /** 16-bit signed integer. */
    I16("I16", 2, DataType.SHORT),
    /** 8-bit signed integer. */
    I8("I8", 1, DataType.BYTE),
    /** 8-bit unsigned integer. */
    U8("U8", 1, DataType.UBYTE),
    /** Boolean, one byte each. */
    BOOL("BOOL", 1, DataType.BOOL);

    private final String code;
    private final int byteSize;
    private final DataType loadedType;

    SafeTensorsDtype(String code, int byteSize, DataType loadedType) {
        this.code = code;
        this.byteSize = byteSize;
        this.loadedType = loadedType;
    }

    /**
     * The string used in the header's {@code "dtype"} field, e.g. {@code "F32"}.
     *
     * @return the header code
     */
    public String code() {
        return code;
    }

    /**
     * Bytes per element in the file.
     *
     * @return the element size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * The ND4J type an element of this kind becomes when loaded.
     *
     * @return the ND4J type of a loaded array
     */
    public DataType loadedType() {
        return loadedType;
    }

    /**
     * The dtype with this header code, or empty if this library does not support it.
     *
     * @param code a header {@code "dtype"} value
     * @return the dtype, or empty
     */
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
     * @param type an ND4J array type
     * @return the dtype it is stored as
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
