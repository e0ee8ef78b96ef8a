package org.lorapipe.storage;

import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.ObjectWriteResponse;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;
import org.lorapipe.contract.artifact.Manifest;

/**
 * The pipeline's object storage: datasets, base models, adapters and reports in one S3 bucket
 * (MinIO in deployments, s3proxy in tests), on the MinIO Java client.
 *
 * <p>Every call retries transient failures under a {@link RetryPolicy} and fails with a
 * {@link StorageException} that names the location and the fix. Objects are streamed, never held in
 * memory: uploads of unknown or large size go as multipart uploads of {@value #PART_SIZE}-byte parts
 * (the client buffers one part at a time). An {@code InputStream} can be read only once, so a
 * streamed {@link #put(S3Uri, InputStream, long, String)} is retried only while the stream is
 * untouched (e.g. the server was not up yet); uploads from files and byte arrays retry fully.
 *
 * <p>Multi-object results are published with {@link #beginPublication} / {@link #publish}: see
 * {@link Publication} for why readers must check {@link #isPublished} first.
 *
 * <p>Thread-safe; open one per service and close it at shutdown (the client's HTTP dispatcher
 * otherwise keeps the JVM alive for a minute).
 */
public final class ObjectStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ObjectStore.class);

    /** Multipart part size: 16 MiB parts keep memory bounded and a 160 GiB object within 10,000 parts. */
    public static final long PART_SIZE = 16L * 1024 * 1024;

    public static final String OCTET_STREAM = "application/octet-stream";
    public static final String JSON = "application/json";

    private final StorageConfig config;
    private final MinioClient client;
    private final Retrier retrier;
    private final StorageListener listener;

    public ObjectStore(StorageConfig config) {
        this(config, RetryPolicy.DEFAULT);
    }

    public ObjectStore(StorageConfig config, RetryPolicy retryPolicy) {
        this(config, retryPolicy, StorageListener.NONE);
    }

    /** @param listener told the bytes every upload and download moves and every retry (for metrics) */
    public ObjectStore(StorageConfig config, RetryPolicy retryPolicy, StorageListener listener) {
        this.config = config;
        this.listener = listener;
        this.client = MinioClient.builder()
                .endpoint(config.endpoint())
                .credentialsProvider(config.credentials().provider())
                .region(config.region())
                .build();
        this.retrier = new Retrier(retryPolicy, config.endpoint(), listener);
    }

    public StorageConfig config() {
        return config;
    }

    /** A location in the configured bucket. */
    public S3Uri uri(String key) {
        return new S3Uri(config.bucket(), key);
    }

    /** Creates the configured bucket unless it exists (idempotent). */
    public void ensureBucket() {
        S3Uri root = config.bucketRoot();
        retrier.call("create bucket", root, () -> {
            if (!client.bucketExists(
                    BucketExistsArgs.builder().bucket(root.bucket()).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(root.bucket()).build());
                LOG.infof("created bucket %s at %s", root.bucket(), config.endpoint());
            }
            return null;
        });
    }

    // ---- writing ----

    /**
     * Streams {@code in} to {@code uri}. With {@code size == -1} (unknown) or a large size the upload
     * is multipart. The stream is not closed.
     *
     * @return the object's size and ETag (lastModified is not reported by a PUT and is null)
     */
    public ObjectInfo put(S3Uri uri, InputStream in, long size, String contentType) {
        CountingInputStream counting = new CountingInputStream(in);
        return upload(uri, () -> counting, false, size, contentType);
    }

    /** Uploads a file (retried fully on transient errors; the file is re-read). */
    public ObjectInfo put(S3Uri uri, Path file) {
        long size = sizeOf(file);
        return upload(uri, () -> new CountingInputStream(Files.newInputStream(file)), true, size, OCTET_STREAM);
    }

    public ObjectInfo putBytes(S3Uri uri, byte[] bytes, String contentType) {
        return upload(
                uri, () -> new CountingInputStream(new ByteArrayInputStream(bytes)), true, bytes.length, contentType);
    }

    /** A small UTF-8 text object, typically JSON (content type {@value #JSON}). */
    public ObjectInfo putString(S3Uri uri, String text) {
        return putBytes(uri, text.getBytes(StandardCharsets.UTF_8), JSON);
    }

    /** Source of one upload attempt. */
    @FunctionalInterface
    interface Source {
        CountingInputStream open() throws IOException;
    }

    /** The one upload path: every put goes through here (and publications, with a digest). */
    ObjectInfo upload(S3Uri uri, Source source, boolean reopenable, long size, String contentType) {
        return retrier.call("write", uri, () -> {
            CountingInputStream in = source.open();
            try {
                // unknown size: fixed parts; beyond 10,000 parts of 16 MiB the client picks larger ones
                long partSize = size >= 0 && size > PART_SIZE * 10_000 ? -1 : PART_SIZE;
                ObjectWriteResponse response = client.putObject(
                        PutObjectArgs.builder().bucket(uri.bucket()).object(uri.key()).stream(in, size, partSize)
                                .contentType(contentType)
                                .build());
                listener.written(in.count());
                return new ObjectInfo(uri, in.count(), unquote(response.etag()), null, false);
            } catch (Exception e) {
                if (!reopenable && in.count() > 0) {
                    throw new Retrier.Permanent(e); // part of a one-shot stream is gone: cannot retry
                }
                throw e;
            } finally {
                if (reopenable) {
                    in.close();
                }
            }
        });
    }

    // ---- reading ----

    /** Every read goes through here: the object's stream, its bytes told to the listener as they come. */
    private InputStream openObject(GetObjectArgs args) throws Exception {
        return new MeteredInputStream(client.getObject(args), listener);
    }

    /** Opens the object for streaming; the caller closes the stream. */
    public InputStream get(S3Uri uri) {
        return retrier.call(
                "read",
                uri,
                () -> openObject(GetObjectArgs.builder()
                        .bucket(uri.bucket())
                        .object(uri.key())
                        .build()));
    }

    /** Opens {@code length} bytes from {@code offset} (an HTTP range request); the caller closes it. */
    public InputStream get(S3Uri uri, long offset, long length) {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("need offset >= 0 and length > 0, got " + offset + ", " + length);
        }
        return retrier.call(
                "read range of",
                uri,
                () -> openObject(GetObjectArgs.builder()
                        .bucket(uri.bucket())
                        .object(uri.key())
                        .offset(offset)
                        .length(length)
                        .build()));
    }

    /** A small object (JSON, configs) in memory. */
    public byte[] getBytes(S3Uri uri) {
        return retrier.call("read", uri, () -> {
            try (InputStream in = openObject(GetObjectArgs.builder()
                    .bucket(uri.bucket())
                    .object(uri.key())
                    .build())) {
                return in.readAllBytes();
            }
        });
    }

    public String getString(S3Uri uri) {
        return new String(getBytes(uri), StandardCharsets.UTF_8);
    }

    /**
     * Downloads to {@code target} through a temporary file in the same directory, moved into place
     * at the end: a crash never leaves a truncated file under the final name.
     */
    public Path download(S3Uri uri, Path target) {
        return download(uri, target, in -> in);
    }

    /** Downloads through {@code check}, which may wrap the object's stream (e.g. to verify it). */
    private Path download(S3Uri uri, Path target, java.util.function.UnaryOperator<InputStream> check) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " for " + uri, e);
        }
        return retrier.call("download", uri, () -> {
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
            try (InputStream in = check.apply(openObject(GetObjectArgs.builder()
                    .bucket(uri.bucket())
                    .object(uri.key())
                    .build()))) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                return Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        });
    }

    /** The object's metadata, or empty if there is no object at {@code uri}. */
    public Optional<ObjectInfo> stat(S3Uri uri) {
        try {
            StatObjectResponse s = retrier.call(
                    "stat",
                    uri,
                    () -> client.statObject(StatObjectArgs.builder()
                            .bucket(uri.bucket())
                            .object(uri.key())
                            .build()));
            return Optional.of(new ObjectInfo(
                    uri, s.size(), unquote(s.etag()), s.lastModified().toInstant(), false));
        } catch (StorageException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public boolean exists(S3Uri uri) {
        return stat(uri).isPresent();
    }

    /**
     * Objects whose key starts with {@code prefix.key()} (verbatim: add a trailing '/' or use
     * {@link S3Uri#asPrefix()} to list a "directory"), sorted by key. Non-recursive listings also return the common
     * prefixes one level down, as entries with {@link ObjectInfo#prefix()} true.
     */
    public List<ObjectInfo> list(S3Uri prefix, boolean recursive) {
        return listing(prefix, recursive, false);
    }

    /**
     * The listing behind {@link #list}. "Directory marker" objects (keys ending in '/', as made by
     * web consoles) hold no content: they are skipped unless {@code keepMarkers} (for deletion).
     * Sorted by key, whatever order the server uses.
     */
    private List<ObjectInfo> listing(S3Uri prefix, boolean recursive, boolean keepMarkers) {
        return retrier.call("list", prefix, () -> {
            List<ObjectInfo> out = new ArrayList<>();
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(prefix.bucket())
                    .prefix(prefix.key())
                    .recursive(recursive)
                    .build())) {
                Item item = result.get();
                S3Uri uri = new S3Uri(prefix.bucket(), item.objectName());
                if (item.isDir()) {
                    // a recursive listing has no common prefixes on S3; s3proxy still reports its
                    // directories as such: they are not objects
                    if (!recursive) {
                        out.add(new ObjectInfo(uri, 0, null, null, true));
                    }
                } else if (keepMarkers || !item.objectName().endsWith("/")) {
                    Instant modified = item.lastModified() == null
                            ? null
                            : item.lastModified().toInstant();
                    out.add(new ObjectInfo(uri, item.size(), unquote(item.etag()), modified, false));
                }
            }
            out.sort(Comparator.comparing(o -> o.uri().key()));
            return out;
        });
    }

    // ---- copy and delete ----

    /** Server-side copy (no bytes pass through this process); objects up to 5 GiB. */
    public ObjectInfo copy(S3Uri from, S3Uri to) {
        retrier.call(
                "copy " + from + " to",
                to,
                () -> client.copyObject(CopyObjectArgs.builder()
                        .bucket(to.bucket())
                        .object(to.key())
                        .source(CopySource.builder()
                                .bucket(from.bucket())
                                .object(from.key())
                                .build())
                        .build()));
        return stat(to).orElseThrow(() -> new StorageException(
                StorageException.Kind.FAILED,
                to,
                "copy of " + from + " to " + to + " reported success, but " + to + " is missing"));
    }

    /** Deletes one object; deleting a missing object is not an error (S3 semantics). */
    public void delete(S3Uri uri) {
        retrier.call("delete", uri, () -> {
            client.removeObject(RemoveObjectArgs.builder()
                    .bucket(uri.bucket())
                    .object(uri.key())
                    .build());
            return null;
        });
    }

    /**
     * Deletes every object under {@code prefix} (taken as a directory: {@code s3://b/run-7} does not
     * touch {@code run-70/}), in bulk requests of 1000 keys.
     *
     * @return how many objects with content were deleted (directory markers not counted)
     */
    public int deletePrefix(S3Uri prefix) {
        if (prefix.key().isEmpty()) {
            throw new IllegalArgumentException("refusing to delete the whole bucket " + prefix
                    + ": pass a prefix such as s3://" + prefix.bucket() + "/runs/run-7/");
        }
        List<ObjectInfo> objects = listing(prefix.asPrefix(), true, true);
        for (int from = 0; from < objects.size(); from += 1000) {
            List<DeleteObject> batch = objects.subList(from, Math.min(objects.size(), from + 1000)).stream()
                    .map(o -> new DeleteObject(o.uri().key()))
                    .toList();
            retrier.call("delete objects under", prefix, () -> {
                // removeObjects is lazy: nothing is deleted until the results are iterated
                for (Result<DeleteError> result : client.removeObjects(RemoveObjectsArgs.builder()
                        .bucket(prefix.bucket())
                        .objects(batch)
                        .build())) {
                    DeleteError error = result.get();
                    throw new StorageException(
                            StorageException.Kind.FAILED,
                            prefix.resolve(error.objectName()),
                            "cannot delete " + prefix.resolve(error.objectName()) + ": " + error.code() + " "
                                    + error.message());
                }
                return null;
            });
        }
        return (int) objects.stream().filter(o -> !o.uri().key().endsWith("/")).count();
    }

    // ---- directories and publications ----

    /**
     * Uploads every regular file under {@code dir} to {@code prefix + relative path} ('/'-separated).
     * Not atomic: use {@link #publish} when readers must see all files or none.
     */
    public List<ObjectInfo> uploadDirectory(Path dir, S3Uri prefix) {
        return DirectoryTransfer.upload(this, dir, prefix);
    }

    /**
     * Downloads every object under {@code prefix} into {@code dir}, keeping the relative layout.
     *
     * @return the files written
     */
    public List<Path> downloadPrefix(S3Uri prefix, Path dir) {
        return DirectoryTransfer.download(this, prefix, dir, total -> {});
    }

    /**
     * Like {@link #downloadPrefix(S3Uri, Path)}, but first gives the listing's total size to
     * {@code beforeDownload}, which throws to refuse it (too large, no room on the disk).
     */
    public List<Path> downloadPrefix(S3Uri prefix, Path dir, LongConsumer beforeDownload) {
        return DirectoryTransfer.download(this, prefix, dir, beforeDownload);
    }

    /**
     * Downloads a folder the way a reader should: when it is a publication, exactly the files its
     * manifest lists, each checked against its size and sha256 as it is written (a file planted or
     * changed after publication is never used: {@link StorageException.Kind#CORRUPT}); a folder without
     * a manifest (uploaded by other tools) object by object, as {@link #downloadPrefix}. Either way
     * {@code beforeDownload} gets the total size first and may refuse it.
     *
     * @return the files written
     */
    public List<Path> downloadFolder(S3Uri prefix, Path dir, LongConsumer beforeDownload) {
        S3Uri folder = prefix.asPrefix();
        Optional<Manifest> manifest = readManifest(folder);
        return manifest.isPresent()
                ? DirectoryTransfer.downloadListed(this, folder, manifest.get(), dir, beforeDownload)
                : DirectoryTransfer.download(this, folder, dir, beforeDownload);
    }

    /**
     * Opens a file of the publication at {@code prefix} as its manifest lists it; the stream fails with
     * {@link StorageException.Kind#CORRUPT} when the bytes do not match the entry's size and sha256.
     */
    public InputStream getVerified(S3Uri prefix, Manifest.Entry entry) {
        S3Uri uri = prefix.resolve(entry.path());
        return new VerifiedInputStream(get(uri), entry, uri);
    }

    /** Downloads a file of the publication at {@code prefix} to {@code target}, checked as {@link #getVerified}. */
    public Path downloadVerified(S3Uri prefix, Manifest.Entry entry, Path target) {
        S3Uri uri = prefix.resolve(entry.path());
        // checked as it is written: a mismatch leaves no file behind (the partial copy is deleted)
        return download(uri, target, in -> new VerifiedInputStream(in, entry, uri));
    }

    /** Starts an atomic multi-object publication under {@code prefix}; see {@link Publication}. */
    public Publication beginPublication(S3Uri prefix) {
        return new Publication(this, prefix);
    }

    /** Publishes every file under {@code dir} at {@code prefix}, manifest last. */
    public Manifest publish(S3Uri prefix, Path dir) {
        return DirectoryTransfer.publish(this, prefix, dir);
    }

    /** True only when the publication's manifest exists, i.e. every file was written. */
    public boolean isPublished(S3Uri prefix) {
        return exists(prefix.resolve(Manifest.FILE_NAME));
    }

    /** The manifest of a complete publication, or empty while it is absent or unfinished. */
    public Optional<Manifest> readManifest(S3Uri prefix) {
        return Publication.readManifest(this, prefix);
    }

    /** The manifest, or a StorageException explaining that the producer has not finished. */
    public Manifest requirePublished(S3Uri prefix) {
        return Publication.requirePublished(this, prefix);
    }

    /** Retries performed so far because of transient errors. */
    public long retries() {
        return retrier.retries();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            LOG.debugf("closing the MinIO client: %s", e.toString());
        }
    }

    // ---- helpers ----

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": it must exist to be uploaded", e);
        }
    }

    private static String unquote(String etag) {
        return etag == null ? null : etag.replace("\"", "");
    }
}
