package org.lorapipe.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.lorapipe.contract.artifact.Manifest;

/**
 * Atomic publication of a multi-object result (an adapter with its config, a set of dataset
 * shards, an evaluation report) under one prefix.
 *
 * <p>S3 has no transactions and no rename, and a consumer that lists a prefix while the producer
 * is still uploading sees a partial result. So the protocol is:
 *
 * <ol>
 *   <li>{@link ObjectStore#beginPublication} deletes an existing {@value Manifest#FILE_NAME}, so a
 *       re-run first makes the prefix read as unpublished;
 *   <li>every file is uploaded under the prefix ({@link #putFile}, {@link #putBytes},
 *       {@link #put}), its size and sha256 recorded while it streams;
 *   <li>{@link #commit()} writes {@value Manifest#FILE_NAME} LAST, listing every file with size and
 *       sha256. A single PUT is atomic in S3: the manifest is either absent or complete.
 * </ol>
 *
 * Readers call {@link ObjectStore#isPublished} / {@link ObjectStore#requirePublished} before
 * reading and take the file list from the manifest, never from a listing (which may include
 * leftovers of an interrupted attempt). A producer that crashes before {@code commit()} leaves
 * objects but no manifest: invisible to readers, overwritten by the retry.
 *
 * <p>Not thread-safe: one producer thread per publication.
 */
public final class Publication {

    private static final Logger LOG = Logger.getLogger(Publication.class);

    private final ObjectStore store;
    private final S3Uri prefix;
    private final Map<String, Manifest.Entry> entries = new LinkedHashMap<>();
    private boolean committed;

    Publication(ObjectStore store, S3Uri prefix) {
        if (prefix.key().isEmpty()) {
            throw new IllegalArgumentException("cannot publish at the bucket root " + prefix
                    + ": use a prefix such as s3://" + prefix.bucket() + "/adapters/run-7/");
        }
        this.store = store;
        this.prefix = prefix.asPrefix();
        S3Uri manifest = this.prefix.resolve(Manifest.FILE_NAME);
        if (store.exists(manifest)) {
            LOG.infof("re-publishing %s: removing its old manifest first", this.prefix);
            store.delete(manifest);
        }
    }

    public S3Uri prefix() {
        return prefix;
    }

    /** Uploads a file as {@code prefix + path}. */
    public Manifest.Entry putFile(String path, Path file) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to publish it as " + path, e);
        }
        return upload(path, () -> Files.newInputStream(file), true, size, ObjectStore.OCTET_STREAM);
    }

    public Manifest.Entry putBytes(String path, byte[] bytes, String contentType) {
        return upload(path, () -> new ByteArrayInputStream(bytes), true, bytes.length, contentType);
    }

    /** Streams {@code in} (size -1 if unknown) as {@code prefix + path}; the stream is not closed. */
    public Manifest.Entry put(String path, InputStream in, long size, String contentType) {
        return upload(path, () -> in, false, size, contentType);
    }

    /** Where the source of one attempt comes from. */
    @FunctionalInterface
    private interface Opener {
        InputStream open() throws IOException;
    }

    private Manifest.Entry upload(String path, Opener opener, boolean reopenable, long size, String contentType) {
        if (committed) {
            throw new IllegalStateException(prefix + " is already committed: begin a new publication");
        }
        if (path.equals(Manifest.FILE_NAME)) {
            throw new IllegalArgumentException(Manifest.FILE_NAME + " is written by commit(), not by the producer");
        }
        S3Uri uri = prefix.resolve(path);
        MessageDigest[] digest = new MessageDigest[1];
        ObjectInfo info = store.upload(
                uri,
                () -> {
                    digest[0] = sha256();
                    return new CountingInputStream(new DigestInputStream(opener.open(), digest[0]));
                },
                reopenable,
                size,
                contentType);
        Manifest.Entry entry =
                new Manifest.Entry(path, info.size(), HexFormat.of().formatHex(digest[0].digest()));
        entries.put(path, entry);
        return entry;
    }

    /** Writes the manifest, last; from now on readers see the publication. */
    public Manifest commit() {
        if (committed) {
            throw new IllegalStateException(prefix + " is already committed");
        }
        List<Manifest.Entry> files = new ArrayList<>(entries.values());
        files.sort(Comparator.comparing(Manifest.Entry::path));
        Manifest manifest = new Manifest(Manifest.VERSION, Instant.now().toString(), files);
        store.putBytes(prefix.resolve(Manifest.FILE_NAME), manifest.toJson(), ObjectStore.JSON);
        committed = true;
        LOG.infof("published %s: %d files, %d bytes", prefix, files.size(), manifest.totalSize());
        return manifest;
    }

    static Optional<Manifest> readManifest(ObjectStore store, S3Uri prefix) {
        S3Uri manifest = prefix.resolve(Manifest.FILE_NAME);
        try {
            try {
                return Optional.of(Manifest.fromJson(store.getBytes(manifest), manifest.toString()));
            } catch (IllegalArgumentException e) {
                throw new StorageException(StorageException.Kind.FAILED, manifest, e.getMessage(), e);
            }
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    static Manifest requirePublished(ObjectStore store, S3Uri prefix) {
        return readManifest(store, prefix)
                .orElseThrow(() -> new StorageException(
                        StorageException.Kind.NOT_FOUND,
                        prefix.asPrefix(),
                        prefix.asPrefix() + " is not published (no " + Manifest.FILE_NAME
                                + "): its producer has not finished; wait for its completion event"));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
