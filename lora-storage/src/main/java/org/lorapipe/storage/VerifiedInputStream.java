package org.lorapipe.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.lorapipe.contract.artifact.Manifest;

/**
 * Reads a published file and checks it against its manifest entry as it goes: more bytes than the
 * manifest says fail at once, and at the end the size and sha256 must match. A file changed or planted
 * after its publication is a {@link StorageException.Kind#CORRUPT} error, never data.
 */
final class VerifiedInputStream extends FilterInputStream {
    private final Manifest.Entry entry;
    private final S3Uri uri;
    private final MessageDigest sha256;
    private long read;
    private boolean checked;

    VerifiedInputStream(InputStream in, Manifest.Entry entry, S3Uri uri) {
        super(in);
        this.entry = entry;
        this.uri = uri;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            check();
        } else {
            count(1);
            sha256.update((byte) b);
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = super.read(buf, off, len);
        if (n < 0) {
            check();
        } else {
            count(n);
            sha256.update(buf, off, n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] scratch = new byte[8192];
        long skipped = 0;
        while (skipped < n) {
            int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    private void count(int n) {
        read += n;
        if (read > entry.size()) {
            throw corrupt("is longer than the " + entry.size() + " bytes its manifest lists");
        }
    }

    private void check() {
        if (checked) {
            return;
        }
        checked = true;
        if (read != entry.size()) {
            throw corrupt("has " + read + " bytes, its manifest lists " + entry.size());
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (!actual.equals(entry.sha256())) {
            throw corrupt("has sha256 " + actual + ", its manifest lists " + entry.sha256());
        }
    }

    private StorageException corrupt(String what) {
        return new StorageException(
                StorageException.Kind.CORRUPT,
                uri,
                uri + " " + what + ": the file was changed after it was published; publish it again");
    }
}
