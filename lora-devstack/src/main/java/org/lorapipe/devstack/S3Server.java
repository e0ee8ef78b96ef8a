package org.lorapipe.devstack;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/**
 * A real S3-compatible server (s3proxy 2.6.0 on the jclouds filesystem backend) in its own process.
 *
 * <p>Deployments use MinIO; no MinIO server can be installed here, and s3proxy speaks the same
 * protocol for everything the pipeline uses: signature v4, multipart upload, ranged get, copy,
 * bulk delete. It does NOT do bucket notifications, versioning, tagging or policies, so code that
 * needs those cannot be tested against it.
 *
 * <p>Objects live as plain files under {@code dataDir/<bucket>/<key>}. The s3proxy properties
 * (which hold the secret) go to a private temporary file that is deleted as soon as the server
 * answers: s3proxy reads it only at start-up.
 */
public final class S3Server implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(S3Server.class.getName());
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** The region the clients sign for; s3proxy accepts any, fixing it saves a location lookup. */
    public static final String REGION = "us-east-1";

    /**
     * Where and how to run the server.
     *
     * @param dataDir bucket directories live here (jclouds.filesystem.basedir)
     * @param host listen address, normally 127.0.0.1
     * @param port HTTP port
     * @param accessKey the only accepted access key (s3proxy.identity)
     * @param secretKey its secret (s3proxy.credential); never logged
     * @param logFile receives the server's stdout and stderr
     * @param detached true: the server outlives this JVM (no shutdown hook)
     */
    public record Options(
            Path dataDir, String host, int port, String accessKey, String secretKey, Path logFile, boolean detached) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(secretKey, "secretKey");
            Objects.requireNonNull(logFile, "logFile");
            if (port <= 0) {
                throw new IllegalArgumentException("port must be > 0, got " + port);
            }
        }

        /** Attached server on 127.0.0.1, a free port, minioadmin/minioadmin, log next to dataDir. */
        public static Options local(Path dataDir) {
            Path abs = dataDir.toAbsolutePath();
            return new Options(
                    abs,
                    "127.0.0.1",
                    Ports.free(),
                    "minioadmin",
                    "minioadmin",
                    abs.resolveSibling(abs.getFileName() + "-s3proxy.log"),
                    false);
        }

        /** Hides the secret: Options end up in logs and assertion messages. */
        @Override
        public String toString() {
            return "S3Server.Options[dataDir=" + dataDir + ", host=" + host + ", port=" + port + ", accessKey="
                    + accessKey + ", secretKey=***, logFile=" + logFile + ", detached=" + detached + "]";
        }
    }

    private final Options options;
    private final ServerProcess process;
    private final Duration startupTime;

    private S3Server(Options options, ServerProcess process, Duration startupTime) {
        this.options = options;
        this.process = process;
        this.startupTime = startupTime;
    }

    /**
     * Starts s3proxy and waits until it lists buckets for the configured credentials (up to 60 s).
     *
     * @throws IllegalStateException with the tail of the server log if it dies or does not answer
     */
    public static S3Server start(Options o) {
        InfraJars jars = InfraJars.locate();
        Path dataDir = o.dataDir().toAbsolutePath();
        String endpoint = "http://" + o.host() + ":" + o.port();
        Ports.requireNotListening(o.host(), o.port(), "s3proxy");
        Path config = null;
        try {
            Files.createDirectories(dataDir);
            config = Files.createTempFile(
                    "s3proxy-",
                    ".properties",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Properties p = new Properties();
            p.setProperty("s3proxy.endpoint", endpoint);
            p.setProperty("s3proxy.authorization", "aws-v2-or-v4");
            p.setProperty("s3proxy.identity", o.accessKey());
            p.setProperty("s3proxy.credential", o.secretKey());
            p.setProperty("jclouds.provider", "filesystem");
            p.setProperty("jclouds.filesystem.basedir", dataDir.toString());
            try (var out = Files.newOutputStream(config)) {
                p.store(out, "generated by org.lorapipe.devstack.S3Server");
            }
        } catch (IOException e) {
            deleteQuietly(config);
            throw new UncheckedIOException("cannot prepare s3proxy in " + dataDir, e);
        }

        long t0 = System.nanoTime();
        ServerProcess process;
        try {
            process = ServerProcess.launch(
                    "s3proxy",
                    List.of(
                            "-Xmx512m",
                            "-Djava.awt.headless=true",
                            // logback's own start-up chatter would bury the first lines of the log
                            "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener",
                            "-jar",
                            jars.s3proxyJar().toAbsolutePath().toString(),
                            "--properties",
                            config.toString()),
                    dataDir,
                    o.logFile(),
                    o.detached());
            try (MinioClient client = client(endpoint, o.accessKey(), o.secretKey())) {
                process.awaitReady(
                        READY_TIMEOUT, () -> Ports.isListening(o.host(), o.port()) && client.listBuckets() != null);
            }
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException("cannot start s3proxy", e);
        } finally {
            deleteQuietly(config);
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.log(System.Logger.Level.INFO, "s3proxy {0} ready in {1} ms ({2})", endpoint, startup.toMillis(), process);
        return new S3Server(o, process, startup);
    }

    /** {@code http://host:port}. */
    public String endpoint() {
        return "http://" + options.host() + ":" + options.port();
    }

    public long pid() {
        return process.pid();
    }

    public Options options() {
        return options;
    }

    /** Time from {@link #start} to the first successful listBuckets. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A MinIO client for this server with its credentials; the caller closes it. */
    public MinioClient newClient() {
        return client(endpoint(), options.accessKey(), options.secretKey());
    }

    /** Creates the bucket unless it exists already. */
    public void createBucket(String bucket) {
        try (MinioClient client = newClient()) {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            String code = e.errorResponse().code();
            if (!"BucketAlreadyOwnedByYou".equals(code) && !"BucketAlreadyExists".equals(code)) {
                throw new IllegalStateException(
                        "cannot create bucket " + bucket + " on " + endpoint() + ": " + code, e);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot create bucket " + bucket + " on " + endpoint() + ": " + e, e);
        }
    }

    /** SIGTERM, up to 20 s, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        process.stop();
    }

    static MinioClient client(String endpoint, String accessKey, String secretKey) {
        return MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                .region(REGION)
                .build();
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless; the temp dir is cleaned by the OS
            }
        }
    }
}
