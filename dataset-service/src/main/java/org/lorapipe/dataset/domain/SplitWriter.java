package org.lorapipe.dataset.domain;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.lorapipe.contract.dataset.ShardFormat;
import org.lorapipe.contract.dataset.ShardWriter;
import org.lorapipe.contract.dataset.TokenizedSequence;

/**
 * Writes one split ({@code train} or {@code validation}) as shards in a local folder, starting a new
 * shard when the current one passes {@code maxShardBytes}, and counts what it wrote.
 */
final class SplitWriter implements AutoCloseable {
    private final String split;
    private final Path dir;
    private final long maxShardBytes;
    private final List<Path> files = new ArrayList<>();
    private ShardWriter current;
    private long currentBytes;
    long sequences;
    long tokens;
    int longest;

    SplitWriter(String split, Path dir, long maxShardBytes) {
        this.split = split;
        this.dir = dir;
        this.maxShardBytes = maxShardBytes;
    }

    void write(TokenizedSequence s) {
        if (current == null || currentBytes >= maxShardBytes) {
            roll();
        }
        current.write(s);
        currentBytes += 8L + 4L * s.starts().length + 4L * s.length() + (s.length() + 7) / 8;
        sequences++;
        tokens += s.length();
        longest = Math.max(longest, s.length());
    }

    private void roll() {
        closeCurrent();
        Path file = dir.resolve(ShardFormat.fileName(split, files.size()));
        try {
            OutputStream out = Files.newOutputStream(file);
            current = new ShardWriter(out);
            currentBytes = 0;
            files.add(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private void closeCurrent() {
        if (current != null) {
            current.close();
            current = null;
        }
    }

    List<Path> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() {
        closeCurrent();
    }
}
