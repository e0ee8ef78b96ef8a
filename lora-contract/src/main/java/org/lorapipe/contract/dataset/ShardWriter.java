package org.lorapipe.contract.dataset;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/** Streams {@link TokenizedSequence}s into one shard (see {@link ShardFormat}). */
public final class ShardWriter implements AutoCloseable {
    private final DataOutputStream out;
    private long count;
    private long bytes;

    public ShardWriter(OutputStream target) {
        this.out = new DataOutputStream(new BufferedOutputStream(target, 1 << 16));
        try {
            out.write(ShardFormat.MAGIC);
            writeInt(ShardFormat.VERSION);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void write(TokenizedSequence s) {
        try {
            writeInt(s.length());
            writeInt(s.starts().length);
            for (int start : s.starts()) {
                writeInt(start);
            }
            for (int id : s.ids()) {
                writeInt(id);
            }
            byte[] bits = new byte[(s.length() + 7) / 8];
            for (int i = 0; i < s.length(); i++) {
                if (s.trainable()[i]) {
                    bits[i >> 3] |= (byte) (1 << (i & 7));
                }
            }
            out.write(bits);
            count++;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sequences written so far. */
    public long count() {
        return count;
    }

    /** Approximate bytes written so far. */
    public long bytes() {
        return out.size() + bytes;
    }

    private void writeInt(int v) throws IOException {
        out.writeInt(Integer.reverseBytes(v));
    }

    @Override
    public void close() {
        try {
            writeInt(ShardFormat.END);
            out.writeLong(Long.reverseBytes(count));
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
