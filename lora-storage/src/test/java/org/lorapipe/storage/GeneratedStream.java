package org.lorapipe.storage;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A deterministic stream of {@code length} pseudo-random bytes (xorshift64 from a seed), made on
 * the fly: a test can upload hundreds of MiB without ever holding them, and recompute the expected
 * sha256 by generating the same bytes again.
 */
final class GeneratedStream extends InputStream {

    private final long length;
    private long position;
    private long state;
    private long word;

    GeneratedStream(long seed, long length) {
        this.length = length;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    @Override
    public int read() {
        if (position >= length) {
            return -1;
        }
        if ((position & 7) == 0) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            word = state;
        }
        int b = (int) (word >>> ((position & 7) * 8)) & 0xff;
        position++;
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) {
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            buf[off + i] = (byte) read();
        }
        return n;
    }

    static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(long seed, long length) throws IOException {
        return sha256(new GeneratedStream(seed, length));
    }
}
