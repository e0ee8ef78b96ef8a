package org.lorapipe.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** An object's stream that tells a {@link StorageListener} every byte read from it, as it is read. */
final class MeteredInputStream extends FilterInputStream {

    private final StorageListener listener;

    MeteredInputStream(InputStream in, StorageListener listener) {
        super(in);
        this.listener = listener;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            listener.read(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            listener.read(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        if (skipped > 0) {
            listener.read(skipped);
        }
        return skipped;
    }
}
