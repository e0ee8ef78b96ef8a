package org.lorapipe.dataset.domain.dedup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The MinHash signatures of kept records, in a memory-mapped temporary file (64 MiB chunks): the
 * operating system pages them in and out, so the near-duplicate stage needs no heap for them and scales
 * past the size of memory. Deleted on close.
 */
final class SignatureStore implements AutoCloseable {
    private static final int CHUNK_BYTES = 64 << 20;
    private static final int RECORD_INTS = MinHasher.PERMUTATIONS;
    private static final int RECORDS_PER_CHUNK = CHUNK_BYTES / (RECORD_INTS * 4);

    private final Path file;
    private final FileChannel channel;
    private final List<IntBuffer> chunks = new ArrayList<>();
    private int size;

    SignatureStore() {
        try {
            file = Files.createTempFile("minhash-", ".bin");
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the near-duplicate signature file", e);
        }
    }

    /** Appends a signature; returns its ordinal. */
    int add(int[] signature) {
        int chunk = size / RECORDS_PER_CHUNK;
        if (chunk == chunks.size()) {
            try {
                MappedByteBuffer mapped =
                        channel.map(FileChannel.MapMode.READ_WRITE, (long) chunk * CHUNK_BYTES, CHUNK_BYTES);
                chunks.add(mapped.asIntBuffer());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot grow " + file, e);
            }
        }
        chunks.get(chunk).put((size % RECORDS_PER_CHUNK) * RECORD_INTS, signature);
        return size++;
    }

    int[] get(int ordinal) {
        int[] sig = new int[RECORD_INTS];
        chunks.get(ordinal / RECORDS_PER_CHUNK).get((ordinal % RECORDS_PER_CHUNK) * RECORD_INTS, sig);
        return sig;
    }

    @Override
    public void close() {
        try {
            chunks.clear();
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
