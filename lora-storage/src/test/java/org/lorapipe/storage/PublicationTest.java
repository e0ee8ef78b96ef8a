package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.artifact.Manifest;
import org.lorapipe.testkit.LocalInfra;
import org.lorapipe.testkit.NeedsInfra;

/** A publication is invisible until its manifest, written last, exists. */
@NeedsInfra
class PublicationTest {

    private static ObjectStore store;
    private static S3Uri base;

    @BeforeAll
    static void open() {
        store = new ObjectStore(ObjectStoreTest.configOf(LocalInfra.shared()));
        store.ensureBucket();
        base = store.uri("publication-test/" + UUID.randomUUID() + "/");
    }

    @AfterAll
    static void close() {
        store.close();
    }

    @Test
    void notPublishedUntilCommit() throws Exception {
        S3Uri prefix = base.resolve("adapter-1/");
        Publication publication = store.beginPublication(prefix);
        publication.putBytes("adapter_config.json", "{\"r\":8}".getBytes(StandardCharsets.UTF_8), ObjectStore.JSON);
        long size = 20L * 1024 * 1024 + 1;
        Manifest.Entry weights =
                publication.put("adapter.bin", new GeneratedStream(9, size), -1, ObjectStore.OCTET_STREAM);

        // all data objects are there, but readers must not see the result yet
        assertThat(store.list(prefix, true)).hasSize(2);
        assertThat(store.isPublished(prefix)).isFalse();
        assertThat(store.readManifest(prefix)).isEmpty();
        assertThatThrownBy(() -> store.requirePublished(prefix))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining(prefix + " is not published (no _manifest.json)")
                .hasMessageContaining("wait for its completion event");

        Manifest manifest = publication.commit();

        assertThat(store.isPublished(prefix)).isTrue();
        assertThat(store.requirePublished(prefix)).isEqualTo(manifest);
        assertThat(manifest.files())
                .extracting(Manifest.Entry::path)
                .containsExactly("adapter.bin", "adapter_config.json");
        assertThat(weights.size()).isEqualTo(size);
        assertThat(weights.sha256()).isEqualTo(GeneratedStream.sha256(9, size));
        try (InputStream in = store.get(prefix.resolve("adapter.bin"))) {
            assertThat(GeneratedStream.sha256(in))
                    .isEqualTo(manifest.file("adapter.bin").orElseThrow().sha256());
        }
        // the manifest is plain JSON that other tools (and people) can read
        assertThat(store.getString(prefix.resolve("_manifest.json")))
                .contains("\"path\" : \"adapter_config.json\"")
                .contains("\"sha256\" : \"" + weights.sha256() + "\"");
        assertThatThrownBy(publication::commit).hasMessageContaining("already committed");
    }

    @Test
    void publishDirectoryAndRepublish(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "first");
        Files.createDirectories(dir.resolve("d"));
        Files.writeString(dir.resolve("d/b.txt"), "bee");
        S3Uri prefix = base.resolve("report");

        Manifest first = store.publish(prefix, dir);
        assertThat(first.files()).extracting(Manifest.Entry::path).containsExactly("a.txt", "d/b.txt");
        assertThat(first.totalSize()).isEqualTo(8);
        assertThat(store.isPublished(prefix)).isTrue();

        // a re-run first withdraws the old manifest: mid-way, readers see "not published"
        Publication again = store.beginPublication(prefix);
        assertThat(store.isPublished(prefix)).isFalse();
        again.putBytes("a.txt", "second".getBytes(StandardCharsets.UTF_8), "text/plain");
        Manifest second = again.commit();
        assertThat(second.files()).extracting(Manifest.Entry::path).containsExactly("a.txt");
        assertThat(store.requirePublished(prefix).file("a.txt").orElseThrow().size())
                .isEqualTo(6);
    }

    @Test
    void refusesTheBucketRootAndTheManifestName() {
        assertThatThrownBy(() -> store.beginPublication(store.uri(""))).hasMessageContaining("bucket root");
        Publication publication = store.beginPublication(base.resolve("x/"));
        assertThatThrownBy(() -> publication.putBytes("_manifest.json", new byte[0], ObjectStore.JSON))
                .hasMessageContaining("written by commit()");
    }
}
