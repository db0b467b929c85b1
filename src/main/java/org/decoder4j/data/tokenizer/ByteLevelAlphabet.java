package org.decoder4j.data.tokenizer;

/**
 * GPT-2's printable stand-ins for bytes, used to write byte-level tokens as text in
 * {@code vocab.json} and {@code merges.txt}: the bytes {@code '!'..'~'}, {@code '¡'..'¬'} and
 * {@code '®'..'ÿ'} stand for themselves, and the other 68 bytes (control characters, space, ...)
 * for U+0100, U+0101, ... in byte order, so that byte 0x20 (space) is written {@code 'Ġ'} (U+0120)
 * and 0x0A (newline) {@code 'Ċ'} (U+010A).
 */
final class ByteLevelAlphabet {

    /** Stand-in character of each byte. */
    private static final char[] CHAR_OF_BYTE = new char[256];
    /** Byte of each stand-in character, -1 for characters that stand for none. */
    private static final int[] BYTE_OF_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = (char) (printable ? b : next++);
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevelAlphabet() {
    }

    /** The stand-in text of a token's bytes. */
    static String encode(byte[] bytes) {
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /** The bytes a stand-in text stands for, or null if a character stands for no byte. */
    static byte[] decode(String text) {
        byte[] bytes = new byte[text.length()];
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= BYTE_OF_CHAR.length || BYTE_OF_CHAR[c] < 0) {
                return null;
            }
            bytes[i] = (byte) BYTE_OF_CHAR[c];
        }
        return bytes;
    }
}
