package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.devstack.Ports;
import org.lorapipe.devstack.S3Server;
import org.lorapipe.testkit.LocalInfra;
import org.lorapipe.testkit.NeedsInfra;

/** Transient failures are retried, permanent ones are not; all against real servers. */
@NeedsInfra
class RetryTest {

    private static final RetryPolicy PATIENT = new RetryPolicy(12, Duration.ofMillis(200), Duration.ofSeconds(2));

    @Test
    void serverThatComesUpLateAndRestartsIsRetried(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        S3Server.Options options = new S3Server.Options(
                dir.resolve("s3"), "127.0.0.1", port, "minioadmin", "minioadmin", dir.resolve("s3.log"), false);
        // a filesystem-backed bucket is a directory: it exists the moment the server answers
        Files.createDirectories(dir.resolve("s3/lora"));
        StorageConfig config =
                new StorageConfig("http://127.0.0.1:" + port, "minioadmin", "minioadmin", "lora", "us-east-1");

        try (ObjectStore store = new ObjectStore(config, PATIENT)) {
            S3Uri uri = store.uri("late/a.json");
            CompletableFuture<S3Server> late = startLater(options);
            store.putString(uri, "{\"ok\":true}"); // connection refused until the server is up
            long afterStart = store.retries();
            assertThat(afterStart).as("retries while the server started").isPositive();

            try (S3Server server = late.join()) {
                assertThat(store.getString(uri)).isEqualTo("{\"ok\":true}");
                server.close();
                assertThat(Ports.isFree("127.0.0.1", port)).isTrue();

                try (S3Server restarted = startLater(options).join()) {
                    // (joined: the restart is done) now stop again and read while it comes back
                    restarted.close();
                    CompletableFuture<S3Server> again = startLater(options);
                    assertThat(store.getString(uri)).isEqualTo("{\"ok\":true}");
                    assertThat(store.retries()).isGreaterThan(afterStart);
                    again.join().close();
                }
            }
        }
        assertThat(Ports.isFree("127.0.0.1", port)).isTrue();
    }

    @Test
    void deadEndpointFailsAfterAllAttemptsAndSaysSo() {
        int port = Ports.free(); // nothing listens here
        StorageConfig config =
                new StorageConfig("http://127.0.0.1:" + port, "minioadmin", "secret-not-shown", "lora", "us-east-1");
        java.util.List<String> retried = new java.util.concurrent.CopyOnWriteArrayList<>();
        StorageListener listener = new StorageListener() {
            @Override
            public void written(long bytes) {}

            @Override
            public void read(long bytes) {}

            @Override
            public void retried(String action) {
                retried.add(action);
            }
        };
        try (ObjectStore store =
                new ObjectStore(config, new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(100)), listener)) {
            assertThatThrownBy(() -> store.getString(store.uri("x.json")))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("read s3://lora/x.json failed after 3 attempt(s)")
                    .hasMessageContaining("is the S3 server at http://127.0.0.1:" + port + " running")
                    .satisfies(e -> {
                        assertThat(((StorageException) e).kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).doesNotContain("secret-not-shown");
                    });
            assertThat(store.retries()).isEqualTo(2);
            assertThat(retried)
                    .as("each retry told to the listener, for metrics")
                    .containsExactly("read", "read");
        }
    }

    @Test
    void halfConsumedStreamIsNotRetried() {
        try (ObjectStore store = new ObjectStore(ObjectStoreTest.configOf(LocalInfra.shared()), PATIENT)) {
            store.ensureBucket();
            InputStream failing = new InputStream() {
                private long served;

                @Override
                public int read() throws IOException {
                    if (served++ >= 1_000_000) {
                        throw new IOException("source disk vanished");
                    }
                    return 7;
                }
            };
            assertThatThrownBy(() -> store.put(store.uri("retry/half.bin"), failing, -1, ObjectStore.OCTET_STREAM))
                    .isInstanceOf(StorageException.class)
                    .hasMessageContaining("write s3://lora/retry/half.bin failed")
                    .hasMessageContaining("source disk vanished");
            assertThat(store.retries())
                    .as("a consumed stream cannot be replayed")
                    .isZero();
            assertThat(store.exists(store.uri("retry/half.bin"))).isFalse();
        }
    }

    private static CompletableFuture<S3Server> startLater(S3Server.Options options) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return S3Server.start(options);
        });
    }
}
