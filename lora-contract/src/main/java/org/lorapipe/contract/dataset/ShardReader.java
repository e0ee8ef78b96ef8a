package org.lorapipe.contract.dataset;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Streams the sequences of one shard (see {@link ShardFormat}); a shard without its footer, or with a
 * footer whose count disagrees, is reported as truncated or corrupt instead of yielding partial data.
 */
public final class ShardReader implements Iterator<TokenizedSequence>, AutoCloseable {
    private static final int MAX_LENGTH = 1 << 24;

    private final DataInputStream in;
    private final String name;
    private TokenizedSequence next;
    private long read;
    private boolean done;

    /** @param name the shard's name, for error messages */
    public ShardReader(InputStream source, String name) {
        this.in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
        this.name = name;
        try {
            byte[] magic = in.readNBytes(ShardFormat.MAGIC.length);
            if (!Arrays.equals(magic, ShardFormat.MAGIC)) {
                throw new IllegalStateException(name + " is not a token shard (bad magic): re-run the dataset stage");
            }
            int version = readInt();
            if (version != ShardFormat.VERSION) {
                throw new IllegalStateException(
                        name + " has shard version " + version + ", this build reads " + ShardFormat.VERSION);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            next = readOne();
        }
        return next != null;
    }

    @Override
    public TokenizedSequence next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        TokenizedSequence s = next;
        next = null;
        return s;
    }

    private TokenizedSequence readOne() {
        try {
            int length = readInt();
            if (length == ShardFormat.END) {
                long count = Long.reverseBytes(in.readLong());
                if (count != read) {
                    throw new IllegalStateException(
                            name + " is corrupt: footer says " + count + " sequences, read " + read);
                }
                done = true;
                return null;
            }
            if (length <= 0 || length > MAX_LENGTH) {
                throw new IllegalStateException(name + " is corrupt: sequence " + read + " has length " + length);
            }
            int examples = readInt();
            if (examples <= 0 || examples > length) {
                throw new IllegalStateException(
                        name + " is corrupt: sequence " + read + " has " + examples + " examples");
            }
            int[] starts = new int[examples];
            for (int i = 0; i < examples; i++) {
                starts[i] = readInt();
            }
            int[] ids = new int[length];
            for (int i = 0; i < length; i++) {
                ids[i] = readInt();
            }
            byte[] bits = in.readNBytes((length + 7) / 8);
            if (bits.length != (length + 7) / 8) {
                throw new EOFException();
            }
            boolean[] trainable = new boolean[length];
            for (int i = 0; i < length; i++) {
                trainable[i] = (bits[i >> 3] & (1 << (i & 7))) != 0;
            }
            read++;
            return new TokenizedSequence(ids, trainable, starts);
        } catch (EOFException e) {
            throw new IllegalStateException(name + " is truncated after " + read
                    + " sequences: re-run the dataset stage (delete the dataset folder first)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private int readInt() throws IOException {
        return Integer.reverseBytes(in.readInt());
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
