package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.testkit.LocalInfra;
import org.lorapipe.testkit.NeedsInfra;

/** Every operation against the real s3proxy of the shared {@link LocalInfra}. */
@NeedsInfra
class ObjectStoreTest {

    private static ObjectStore store;
    private static S3Uri base;

    static StorageConfig configOf(LocalInfra infra) {
        return new StorageConfig(infra.s3Endpoint(), infra.accessKey(), infra.secretKey(), infra.bucket(), "us-east-1");
    }

    @BeforeAll
    static void open() {
        store = new ObjectStore(configOf(LocalInfra.shared()));
        store.ensureBucket();
        store.ensureBucket(); // idempotent
        base = store.uri("object-store-test/" + UUID.randomUUID() + "/");
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void smallObjectsRoundTrip() {
        S3Uri json = base.resolve("config.json");
        store.putString(json, "{\"rank\":8}");
        assertThat(store.getString(json)).isEqualTo("{\"rank\":8}");
        assertThat(store.stat(json)).hasValueSatisfying(info -> {
            assertThat(info.size()).isEqualTo(10);
            assertThat(info.etag()).isNotBlank().doesNotContain("\"");
            assertThat(info.lastModified()).isNotNull();
        });
        assertThat(store.exists(json)).isTrue();

        byte[] bytes = {0, 1, 2, (byte) 0xff};
        store.putBytes(base.resolve("b.bin"), bytes, ObjectStore.OCTET_STREAM);
        assertThat(store.getBytes(base.resolve("b.bin"))).isEqualTo(bytes);
    }

    @Test
    void rangedGetReturnsExactlyTheRange() throws Exception {
        S3Uri uri = base.resolve("ranged.bin");
        byte[] all = new GeneratedStream(7, 100_000).readAllBytes();
        store.putBytes(uri, all, ObjectStore.OCTET_STREAM);
        try (InputStream in = store.get(uri, 12_345, 1000)) {
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(all, 12_345, 13_345));
        }
        try (InputStream in = store.get(uri, 99_990, 1000)) { // past the end: the tail only
            assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(all, 99_990, 100_000));
        }
    }

    @Test
    void largeStreamOfUnknownSizeGoesMultipartAndComesBackIdentical() throws Exception {
        long size = 40L * 1024 * 1024 + 12_345; // 3 parts of 16 MiB, the last one short
        S3Uri uri = base.resolve("big/stream.bin");
        ObjectInfo written = store.put(uri, new GeneratedStream(42, size), -1, ObjectStore.OCTET_STREAM);

        assertThat(written.size()).isEqualTo(size);
        assertThat(written.etag()).endsWith("-3"); // multipart ETag: "<md5 of part md5s>-<parts>"
        assertThat(store.stat(uri).orElseThrow().size()).isEqualTo(size);
        try (InputStream in = store.get(uri)) {
            assertThat(GeneratedStream.sha256(in)).isEqualTo(GeneratedStream.sha256(42, size));
        }
        // a range across the first part boundary
        long from = ObjectStore.PART_SIZE - 100;
        try (InputStream in = store.get(uri, from, 200);
                InputStream expected = new GeneratedStream(42, size)) {
            expected.skipNBytes(from);
            assertThat(in.readAllBytes()).isEqualTo(expected.readNBytes(200));
        }
    }

    @Test
    void filesUploadAndDownload(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("weights.bin");
        try (InputStream in = new GeneratedStream(3, 6 * 1024 * 1024)) {
            Files.copy(in, source);
        }
        S3Uri uri = base.resolve("files/weights.bin");
        assertThat(store.put(uri, source).size()).isEqualTo(Files.size(source));
        Path target = store.download(uri, dir.resolve("out/weights.bin"));
        assertThat(Files.mismatch(source, target)).isEqualTo(-1);
        assertThat(Files.list(dir.resolve("out"))).hasSize(1); // no .part leftovers
    }

    @Test
    void listCopyDelete() {
        S3Uri dir = base.resolve("list/");
        store.putString(dir.resolve("a.json"), "{}");
        store.putString(dir.resolve("sub/b.json"), "{}");
        store.putString(dir.resolve("sub/c.json"), "{}");
        store.putString(base.resolve("list-other/x.json"), "{}"); // shares the string prefix "list"

        assertThat(store.list(dir, true))
                .extracting(o -> o.uri().relativeTo(dir))
                .containsExactly("a.json", "sub/b.json", "sub/c.json");
        List<ObjectInfo> shallow = store.list(dir, false);
        assertThat(shallow).extracting(o -> o.uri().relativeTo(dir)).containsExactly("a.json", "sub/");
        assertThat(shallow.get(1).prefix()).isTrue();

        ObjectInfo copy = store.copy(dir.resolve("a.json"), base.resolve("copied/a.json"));
        assertThat(copy.size()).isEqualTo(2);
        assertThat(store.getString(base.resolve("copied/a.json"))).isEqualTo("{}");

        store.delete(dir.resolve("a.json"));
        store.delete(dir.resolve("a.json")); // deleting a missing object is fine
        assertThat(store.exists(dir.resolve("a.json"))).isFalse();

        assertThat(store.deletePrefix(base.resolve("list"))).isEqualTo(2); // only list/, not list-other/
        assertThat(store.list(dir, true)).isEmpty();
        assertThat(store.exists(base.resolve("list-other/x.json"))).isTrue();
        assertThatThrownBy(() -> store.deletePrefix(store.uri(""))).hasMessageContaining("refusing");
    }

    @Test
    void directoriesMirror(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("adapter_config.json"), "{\"r\":8}");
        Files.createDirectories(src.resolve("shards"));
        Files.write(src.resolve("shards/0.bin"), new byte[] {1, 2, 3});
        S3Uri prefix = base.resolve("mirror/");

        assertThat(store.uploadDirectory(src, prefix)).hasSize(2);
        List<Path> written = store.downloadPrefix(prefix, dir.resolve("dst"));

        assertThat(written).hasSize(2);
        assertThat(Files.readString(dir.resolve("dst/adapter_config.json"))).isEqualTo("{\"r\":8}");
        assertThat(Files.readAllBytes(dir.resolve("dst/shards/0.bin"))).containsExactly(1, 2, 3);

        long[] seen = {-1};
        assertThatThrownBy(() -> store.downloadPrefix(prefix, dir.resolve("refused"), total -> {
                    seen[0] = total;
                    throw new IllegalStateException("too large");
                }))
                .hasMessage("too large");
        assertThat(seen[0])
                .as("the listing's total, before any byte is fetched")
                .isEqualTo(10);
        assertThat(dir.resolve("refused")).doesNotExist();
    }

    @Test
    void aPublishedFolderIsReadAsItsManifestListsIt(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("model"));
        Files.writeString(src.resolve("config.json"), "{\"dim\": 64}");
        Files.write(src.resolve("model.safetensors"), new byte[] {1, 2, 3, 4});
        S3Uri folder = base.resolve("published-model/");
        store.publish(folder, src);
        store.putString(folder.resolve("planted.json"), "{}"); // added after the publication

        long[] total = {-1};
        List<Path> written = store.downloadFolder(folder, dir.resolve("copy"), t -> total[0] = t);
        assertThat(written)
                .extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("config.json", "model.safetensors");
        assertThat(total[0]).as("the sizes the manifest lists").isEqualTo(15);
        assertThat(dir.resolve("copy/planted.json")).doesNotExist();

        store.putBytes(folder.resolve("model.safetensors"), new byte[] {1, 2, 3, 5}, ObjectStore.OCTET_STREAM);
        assertThatThrownBy(() -> store.downloadFolder(folder, dir.resolve("changed"), t -> {}))
                .isInstanceOfSatisfying(
                        StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPT));
        assertThat(dir.resolve("changed/model.safetensors")).doesNotExist();

        S3Uri plain = base.resolve("uploaded-by-hand/");
        store.putString(plain.resolve("config.json"), "{}");
        assertThat(store.downloadFolder(plain, dir.resolve("plain"), t -> {})).hasSize(1);
    }

    @Test
    void missingObjectSaysWhatToDo() {
        S3Uri missing = base.resolve("nope.json");
        long retriesBefore = store.retries();
        assertThat(store.stat(missing)).isEmpty();
        assertThat(store.exists(missing)).isFalse();
        assertThatThrownBy(() -> store.getString(missing))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("no object at " + missing + ": upload it first")
                .satisfies(e -> assertThat(((StorageException) e).isNotFound()).isTrue());
        assertThatThrownBy(() -> store.get(missing)).hasMessageContaining("no object at " + missing);
        assertThat(store.retries()).as("a 404 is not retried").isEqualTo(retriesBefore);
    }

    @Test
    void missingBucketSaysHowToCreateIt() {
        assertThatThrownBy(() -> store.putString(S3Uri.parse("s3://no-such-bucket/x.json"), "{}"))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("bucket 'no-such-bucket' does not exist")
                .hasMessageContaining("ensureBucket");
    }

    @Test
    void wrongCredentialsAreRefusedWithoutShowingThem() {
        StorageConfig good = store.config();
        StorageConfig bad =
                new StorageConfig(good.endpoint(), "wrong-key", "wrong-secret-value", good.bucket(), good.region());
        try (ObjectStore wrong = new ObjectStore(bad)) {
            assertThatThrownBy(() -> wrong.putString(base.resolve("denied.json"), "{}"))
                    .isInstanceOf(StorageException.class)
                    .satisfies(e -> {
                        assertThat(((StorageException) e).kind()).isEqualTo(StorageException.Kind.ACCESS_DENIED);
                        assertThat(e.getMessage())
                                .contains("check the access and secret key")
                                .doesNotContain("wrong-secret-value")
                                .doesNotContain("wrong-key");
                        assertThat(e.getCause()).isNull(); // MinIO's HTTP trace carries the access key
                    });
            assertThat(wrong.retries()).isZero();
        }
    }

    @Test
    void streamIsNotClosedAndCountsItsSize() throws Exception {
        byte[] data = "streamed".getBytes(StandardCharsets.UTF_8);
        boolean[] closed = {false};
        InputStream in = new ByteArrayInputStream(data) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        assertThat(store.put(base.resolve("s.txt"), in, -1, "text/plain").size())
                .isEqualTo(data.length);
        assertThat(closed[0]).isFalse();
        assertThat(store.getString(base.resolve("s.txt"))).isEqualTo("streamed");
    }

    /** What the metrics are fed: every byte uploaded and every byte read, counted once. */
    @Test
    void theListenerIsToldTheBytesMovedEachWayOnce(@TempDir Path dir) throws Exception {
        java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
        StorageListener listener = new StorageListener() {
            @Override
            public void written(long bytes) {
                written.addAndGet(bytes);
            }

            @Override
            public void read(long bytes) {
                read.addAndGet(bytes);
            }

            @Override
            public void retried(String action) {}
        };
        try (ObjectStore metered = new ObjectStore(store.config(), RetryPolicy.DEFAULT, listener)) {
            S3Uri uri = base.resolve("metered/data.bin");
            byte[] data = new GeneratedStream(5, 70_000).readAllBytes();
            metered.putBytes(uri, data, ObjectStore.OCTET_STREAM);
            assertThat(written.get()).isEqualTo(data.length);
            assertThat(metered.getBytes(uri)).isEqualTo(data);
            metered.download(uri, dir.resolve("data.bin"));
            try (InputStream in = metered.get(uri, 10, 100)) {
                in.readAllBytes();
            }
            assertThat(read.get()).isEqualTo(2L * data.length + 100);
            assertThat(written.get()).as("reads write nothing").isEqualTo(data.length);
        }
    }
}
