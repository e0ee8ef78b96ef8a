package org.lorapipe.dataset.domain.dedup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 of a record's normalised content, cut into three 64-bit words: {@code high} and {@code low}
 * identify the record (128 bits: exact duplicates), {@code split} decides its train/validation side, so
 * the same record always lands on the same side whatever else the file holds.
 */
public record ContentHash(long high, long low, long split) {
    public static ContentHash of(String content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.wrap(d);
            return new ContentHash(b.getLong(0), b.getLong(8), b.getLong(16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A uniform number in [0, 1) from the split word. */
    public double unit() {
        return (split >>> 11) * 0x1.0p-53;
    }
}
