package org.lorapipe.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.lorapipe.devstack.KafkaBroker;
import org.lorapipe.devstack.S3Server;

/**
 * The pipeline's infrastructure for one test run: a Kafka broker and an S3 server on free loopback
 * ports, in a fresh temporary directory, with bucket {@value #BUCKET} created.
 *
 * <p>Two ways to use it:
 *
 * <ul>
 *   <li>{@link #start()} in try-with-resources (or per test class): everything is stopped and the
 *       directory deleted at {@link #close()}.
 *   <li>{@link #shared()}: one instance per JVM, reused by every test class of a module (a broker
 *       start costs a few seconds), stopped by a shutdown hook. Its {@code close()} does nothing,
 *       so a test that closes it by habit cannot pull it from under the others.
 * </ul>
 *
 * Both servers are stopped by shutdown hooks too, so a crashed or interrupted test run leaves no
 * process behind.
 */
public final class LocalInfra implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalInfra.class.getName());

    public static final String BUCKET = "lora";
    public static final String ACCESS_KEY = "minioadmin";
    public static final String SECRET_KEY = "minioadmin";

    /** Property names the services read; {@link #config()} fills them. */
    public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";

    public static final String S3_ENDPOINT = "lora.s3.endpoint";
    public static final String S3_ACCESS_KEY = "lora.s3.access-key";
    public static final String S3_SECRET_KEY = "lora.s3.secret-key";
    public static final String S3_BUCKET = "lora.s3.bucket";

    private static LocalInfra shared;

    private final Path root;
    private final KafkaBroker kafka;
    private final S3Server s3;
    private final boolean isShared;
    private final Thread cleanupHook;

    private LocalInfra(Path root, KafkaBroker kafka, S3Server s3, boolean isShared) {
        this.root = root;
        this.kafka = kafka;
        this.s3 = s3;
        this.isShared = isShared;
        this.cleanupHook = new Thread(this::stop, "stop-local-infra");
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** Starts a broker and an S3 server (in parallel) in a new temporary directory. */
    public static LocalInfra start() {
        return start(false);
    }

    /**
     * The JVM-wide instance, started on first use and stopped when the JVM exits. Several test
     * classes (and Quarkus test resources) in one surefire run share one broker this way.
     */
    public static synchronized LocalInfra shared() {
        if (shared == null || !shared.kafka.isAlive() || !shared.s3.isAlive()) {
            if (shared != null) {
                shared.stop();
            }
            shared = start(true);
        }
        return shared;
    }

    private static LocalInfra start(boolean isShared) {
        Path root;
        try {
            root = Files.createTempDirectory("lora-infra-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory for the infrastructure", e);
        }
        CompletableFuture<S3Server> s3 =
                CompletableFuture.supplyAsync(() -> S3Server.start(S3Server.Options.local(root.resolve("s3"))));
        KafkaBroker kafka;
        try {
            kafka = KafkaBroker.start(KafkaBroker.Options.local(root.resolve("kafka")));
        } catch (RuntimeException e) {
            s3.thenAccept(S3Server::close);
            deleteTree(root);
            throw e;
        }
        S3Server server;
        try {
            server = s3.join();
            server.createBucket(BUCKET);
        } catch (RuntimeException e) {
            kafka.close();
            s3.thenAccept(S3Server::close);
            deleteTree(root);
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        LOG.log(
                System.Logger.Level.INFO,
                "local infra in {0}: kafka {1} (started in {2} ms), s3 {3} (started in {4} ms)",
                root,
                kafka.bootstrapServers(),
                kafka.startupTime().toMillis(),
                server.endpoint(),
                server.startupTime().toMillis());
        return new LocalInfra(root, kafka, server, isShared);
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String s3Endpoint() {
        return s3.endpoint();
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public String bucket() {
        return BUCKET;
    }

    /** The broker, e.g. to read its pid or to stop it in a failure test. */
    public KafkaBroker kafka() {
        return kafka;
    }

    /** The S3 server, e.g. for {@link S3Server#newClient()}. */
    public S3Server s3() {
        return s3;
    }

    /** The temporary directory holding both servers' data and logs ({@code *.log}). */
    public Path root() {
        return root;
    }

    /**
     * The properties the services read, ready for a Quarkus test resource or
     * {@code System.setProperty}: {@value #KAFKA_BOOTSTRAP}, {@value #S3_ENDPOINT},
     * {@value #S3_ACCESS_KEY}, {@value #S3_SECRET_KEY}, {@value #S3_BUCKET}.
     */
    public Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put(KAFKA_BOOTSTRAP, bootstrapServers());
        config.put(S3_ENDPOINT, s3Endpoint());
        config.put(S3_ACCESS_KEY, accessKey());
        config.put(S3_SECRET_KEY, secretKey());
        config.put(S3_BUCKET, bucket());
        return Map.copyOf(config);
    }

    public boolean isShared() {
        return isShared;
    }

    /** Stops both servers and deletes the directory; does nothing on the {@link #shared()} one. */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private void stop() {
        // stop both at once: the broker's clean shutdown takes a second or two
        CompletableFuture<Void> s3Stopped = CompletableFuture.runAsync(s3::close);
        kafka.close();
        s3Stopped.join();
        deleteTree(root);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + root + ": " + e);
        }
    }

    @Override
    public String toString() {
        return "LocalInfra[kafka " + bootstrapServers() + ", s3 " + s3Endpoint() + ", dir " + root + "]";
    }
}
