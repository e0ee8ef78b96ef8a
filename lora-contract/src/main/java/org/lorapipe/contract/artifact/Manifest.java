package org.lorapipe.contract.artifact;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.lorapipe.contract.dataset.ShardFormat;

/**
 * The {@value #FILE_NAME} of a publication: which files make up a multi-object result (an adapter,
 * a dataset shard set, an evaluation report), with the size and sha256 of each.
 *
 * <p>It is written last, so its presence is what "published" means (lora-storage's Publication), and
 * readers take the file list from it rather than from a listing, which may show leftovers of an
 * earlier, interrupted attempt. The sha256 lets a reader verify a download; S3 ETags cannot do
 * that for multipart uploads.
 *
 * @param version format version, {@value #VERSION}
 * @param createdAt ISO-8601 instant of the commit
 * @param files the published files, paths relative to the prefix, sorted
 */
public record Manifest(int version, String createdAt, List<Entry> files) {

    public static final String FILE_NAME = "_manifest.json";
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * One published file.
     *
     * @param path relative to the publication prefix, '/'-separated
     * @param size bytes
     * @param sha256 lowercase hex
     */
    public record Entry(String path, long size, String sha256) {
        public Entry {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    public Manifest {
        files = List.copyOf(files);
    }

    /** Sum of all file sizes. */
    @JsonIgnore
    public long totalSize() {
        return files.stream().mapToLong(Entry::size).sum();
    }

    /** The published token shards of {@code split} ("train" or "validation"), in file order. */
    public List<Entry> shards(String split) {
        return files.stream().filter(e -> ShardFormat.isShard(e.path(), split)).toList();
    }

    /** The entry for a relative path, if published. */
    public Optional<Entry> file(String path) {
        return files.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** The JSON written as {@value #FILE_NAME}. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize manifest", e);
        }
    }

    /**
     * Reads a {@value #FILE_NAME}; {@code where} names it in errors.
     *
     * @throws IllegalArgumentException when it is not a manifest of version {@value #VERSION}, saying why
     */
    public static Manifest fromJson(byte[] json, String where) {
        Manifest m;
        try {
            m = JSON.readValue(json, Manifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    where + " is not a valid manifest (" + e.getMessage() + "): re-publish the prefix", e);
        }
        if (m.version() != VERSION || m.files() == null) {
            throw new IllegalArgumentException(where + " has manifest version " + m.version()
                    + ", this reader understands " + VERSION + ": upgrade the reader or re-publish");
        }
        return m;
    }
}
