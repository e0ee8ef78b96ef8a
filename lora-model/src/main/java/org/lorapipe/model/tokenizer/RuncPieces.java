package org.lorapipe.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** run.c's printing rules for token pieces, shared by both tokenizer implementations. */
final class RuncPieces {

    private RuncPieces() {}

    /**
     * run.c: {@code sscanf(piece, "<0x%02hhX>", &b) == 1} means the piece is a raw byte. Returns the byte
     * value, or -1 when the piece is not a byte token.
     */
    static int byteValue(String piece) {
        if (!piece.startsWith("<0x") || piece.length() < 4) {
            return -1;
        }
        int v = 0;
        int digits = 0;
        for (int i = 3; i < piece.length() && digits < 2; i++, digits++) {
            int d = Character.digit(piece.charAt(i), 16);
            if (d < 0) {
                break;
            }
            v = v * 16 + d;
        }
        return digits == 0 ? -1 : v;
    }

    /**
     * run.c's {@code safe_printf} of a one-byte piece: printed only when isprint or isspace (C locale),
     * so stray UTF-8 continuation bytes and control bytes print nothing.
     */
    static String printableByte(int b) {
        boolean print = b >= 0x20 && b <= 0x7E;
        boolean space = b == ' ' || (b >= 0x09 && b <= 0x0D);
        return print || space ? String.valueOf((char) b) : "";
    }

    /** run.c's printing of a (non byte-token) piece. */
    static String printable(String piece) {
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 1) {
            return printableByte(bytes[0] & 0xFF);
        }
        return piece;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
