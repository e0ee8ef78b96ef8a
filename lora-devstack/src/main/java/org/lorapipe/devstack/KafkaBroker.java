package org.lorapipe.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * A real single-node Kafka 4.4.0 broker (KRaft, combined broker + controller) in its own process.
 *
 * <p>Start-up is the documented KRaft sequence: write {@code server.properties}, run
 * {@code kafka.tools.StorageTool format} once (skipped when {@code dataDir} is already formatted, so
 * a restart keeps its topics and offsets), then run {@code kafka.Kafka server.properties} and wait
 * until an Admin client gets an answer to {@code describeCluster}. Everything the broker writes
 * (its log4j2 output and any JVM crash text) lands in {@link Options#logFile()}; the log4j2
 * configuration is generated next to {@code server.properties} so the broker never falls back to
 * an unconfigured logger.
 *
 * <p>All replication factors are 1 and the internal topics have one partition: this is a test and
 * development broker, sized to start in a few seconds on a small machine.
 *
 * <p>The client listener is {@code PLAINTEXT} (no login) unless {@link Options#sasl()} is set: then every
 * listener asks for a login ({@link BrokerSasl}), and {@link #clientProperties()} holds the admin's.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Where and how to run the broker.
     *
     * @param dataDir holds server.properties, log4j2.properties and the topic data ({@code logs/})
     * @param host listener address, normally 127.0.0.1
     * @param port PLAINTEXT listener for clients
     * @param controllerPort KRaft controller listener
     * @param logFile receives the broker's stdout, stderr and log4j2 output
     * @param detached true: the broker outlives this JVM (no shutdown hook); the caller records
     *     {@link #pid()} to stop it later
     * @param sasl null: PLAINTEXT, no login; else SASL/SCRAM on every listener
     */
    public record Options(
            Path dataDir, String host, int port, int controllerPort, Path logFile, boolean detached, BrokerSasl sasl) {

        /** A PLAINTEXT broker. */
        public Options(Path dataDir, String host, int port, int controllerPort, Path logFile, boolean detached) {
            this(dataDir, host, port, controllerPort, logFile, detached, null);
        }

        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(logFile, "logFile");
            if (port <= 0 || controllerPort <= 0 || port == controllerPort) {
                throw new IllegalArgumentException(
                        "port " + port + " and controllerPort " + controllerPort + " must be two different ports > 0");
            }
        }

        /** Attached broker on 127.0.0.1 with two free ports, logging to {@code dataDir/broker.log}. */
        public static Options local(Path dataDir) {
            return new Options(dataDir, "127.0.0.1", Ports.free(), Ports.free(), dataDir.resolve("broker.log"), false);
        }

        /** The same broker with SASL/SCRAM logins on every listener. */
        public Options withSasl(BrokerSasl withSasl) {
            return new Options(dataDir, host, port, controllerPort, logFile, detached, withSasl);
        }
    }

    private final Options options;
    private final ServerProcess process;
    private final Duration startupTime;

    private KafkaBroker(Options options, ServerProcess process, Duration startupTime) {
        this.options = options;
        this.process = process;
        this.startupTime = startupTime;
    }

    /**
     * Formats {@code dataDir} if needed, starts the broker and waits until it answers (up to 60 s).
     *
     * @throws IllegalStateException with the tail of the broker log if it dies or does not answer
     */
    public static KafkaBroker start(Options o) {
        InfraJars jars = InfraJars.locate();
        Path dataDir = o.dataDir().toAbsolutePath();
        Path serverProperties = dataDir.resolve("server.properties");
        Path log4jConfig = dataDir.resolve("log4j2.properties");
        try {
            Files.createDirectories(dataDir);
            Files.writeString(serverProperties, serverProperties(o, dataDir.resolve("logs")));
            if (o.sasl() != null) {
                ownerOnly(serverProperties); // it holds the admin password
            }
            Files.writeString(log4jConfig, LOG4J2_PROPERTIES);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration in " + dataDir, e);
        }
        List<String> common = List.of(
                "-Dlog4j2.configurationFile=" + log4jConfig.toUri(),
                "-Djava.awt.headless=true",
                "-cp",
                jars.kafkaLibDir().toAbsolutePath() + "/*");

        Ports.requireNotListening(o.host(), o.port(), "the Kafka broker");
        Ports.requireNotListening(o.host(), o.controllerPort(), "the Kafka controller");
        long t0 = System.nanoTime();
        Path metaProperties = dataDir.resolve("logs/meta.properties");
        String clusterId;
        if (Files.exists(metaProperties)) {
            clusterId = readClusterId(metaProperties);
        } else {
            clusterId = Uuid.randomUuid().toString();
            List<String> format = new ArrayList<>(List.of("-Xmx256m"));
            format.addAll(common);
            format.addAll(
                    List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", serverProperties.toString()));
            if (o.sasl() != null) {
                format.addAll(o.sasl().formatArguments());
            }
            ServerProcess.runTool("kafka-storage-format", format, dataDir, o.logFile(), Duration.ofSeconds(60));
        }

        List<String> server = new ArrayList<>(List.of("-Xmx512m", "-Xms128m"));
        server.addAll(common);
        server.addAll(List.of("kafka.Kafka", serverProperties.toString()));
        ServerProcess process = ServerProcess.launch("kafka", server, dataDir, o.logFile(), o.detached());
        String bootstrap = o.host() + ":" + o.port();
        Map<String, Object> probe = new HashMap<>(clientProperties(o));
        probe.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
        probe.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        probe.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (Admin admin = Admin.create(probe)) {
            // the TCP check first keeps the admin client from logging connection failures; the
            // cluster id proves the answer comes from this broker and not from another on the port
            process.awaitReady(READY_TIMEOUT, () -> {
                if (!Ports.isListening(o.host(), o.port())) {
                    return false;
                }
                DescribeClusterResult cluster = admin.describeCluster();
                return clusterId.equals(cluster.clusterId().get(5, TimeUnit.SECONDS))
                        && !cluster.nodes().get(5, TimeUnit.SECONDS).isEmpty();
            });
        }
        Duration startup = Duration.ofNanos(System.nanoTime() - t0);
        LOG.log(
                System.Logger.Level.INFO,
                "Kafka broker {0} ready in {1} ms ({2})",
                bootstrap,
                startup.toMillis(),
                process);
        return new KafkaBroker(o, process, startup);
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return options.host() + ":" + options.port();
    }

    /**
     * What a client needs to reach this broker as its admin: {@code bootstrap.servers}, and with SASL the
     * admin's login (holds a password: never log it unmasked).
     */
    public Map<String, Object> clientProperties() {
        return clientProperties(options);
    }

    private static Map<String, Object> clientProperties(Options o) {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, o.host() + ":" + o.port());
        if (o.sasl() != null) {
            p.putAll(o.sasl().adminClientProperties());
        }
        return p;
    }

    /** The OS process id, recorded by {@code lora stack up} to stop a detached broker later. */
    public long pid() {
        return process.pid();
    }

    public Options options() {
        return options;
    }

    /** Time from {@link #start} to the first answer (includes formatting on a fresh dataDir). */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM, up to 20 s for a clean shutdown, then SIGKILL. Idempotent. */
    @Override
    public void close() {
        process.stop();
    }

    /**
     * Creates topics with the broker defaults (its {@code num.partitions}, replication 1); topics that
     * already exist are left as they are.
     */
    public static void createTopics(String bootstrap, Collection<String> topics) {
        Map<String, Integer> byTopic = new java.util.LinkedHashMap<>();
        topics.forEach(t -> byTopic.put(t, null));
        createTopics(bootstrap, byTopic);
    }

    /**
     * Creates the missing {@code topics} with their partition counts (null: the broker's default);
     * existing topics are left as they are.
     */
    public static void createTopics(String bootstrap, Map<String, Integer> partitionsByTopic) {
        createTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), partitionsByTopic);
    }

    /**
     * Like {@link #createTopics(String, Map)} with a client that logs in as {@code clientProperties} say
     * (e.g. {@link #clientProperties()} of a SASL broker).
     */
    public static void createTopics(Map<String, ?> clientProperties, Map<String, Integer> partitionsByTopic) {
        Object bootstrap = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        Collection<String> topics = partitionsByTopic.keySet();
        List<NewTopic> newTopics = partitionsByTopic.entrySet().stream()
                .map(e -> new NewTopic(e.getKey(), Optional.ofNullable(e.getValue()), Optional.empty()))
                .toList();
        try (Admin admin = Admin.create(new HashMap<>(clientProperties))) {
            for (var entry : admin.createTopics(newTopics, new CreateTopicsOptions().timeoutMs(30_000))
                    .values()
                    .entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + entry.getKey() + " on " + bootstrap + ": " + e.getCause(),
                                e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + topics, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    "creating topics " + topics + " on " + bootstrap + " timed out: is the broker running?", e);
        }
    }

    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's own permissions apply
        }
    }

    private static String readClusterId(Path metaProperties) {
        Properties meta = new Properties();
        try (var in = Files.newBufferedReader(metaProperties)) {
            meta.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metaProperties, e);
        }
        String id = meta.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new IllegalStateException(metaProperties + " has no cluster.id: delete " + metaProperties.getParent()
                    + " to re-format (this drops the broker's data)");
        }
        return id.trim();
    }

    private static String serverProperties(Options o, Path logDirs) {
        String h = o.host();
        List<String> listeners = o.sasl() != null
                ? o.sasl().serverProperties(h, o.port(), o.controllerPort())
                : List.of(
                        "listeners=PLAINTEXT://" + h + ":" + o.port() + ",CONTROLLER://" + h + ":" + o.controllerPort(),
                        "advertised.listeners=PLAINTEXT://" + h + ":" + o.port(),
                        "inter.broker.listener.name=PLAINTEXT",
                        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        return String.join(
                        "\n",
                        "# generated by org.lorapipe.devstack.KafkaBroker: single-node KRaft broker for tests and dev",
                        "process.roles=broker,controller",
                        "node.id=1",
                        "controller.quorum.voters=1@" + h + ":" + o.controllerPort(),
                        "controller.listener.names=CONTROLLER",
                        String.join("\n", listeners),
                        "log.dirs=" + logDirs,
                        // = Topics.STAGE_INPUT_PARTITIONS: a topic created by its first writer (a test, a
                        // user's producer) still lets several replicas of a stage work at once
                        "num.partitions=6",
                        "default.replication.factor=1",
                        "min.insync.replicas=1",
                        "auto.create.topics.enable=true",
                        "offsets.topic.replication.factor=1",
                        "offsets.topic.num.partitions=1",
                        "transaction.state.log.replication.factor=1",
                        "transaction.state.log.min.isr=1",
                        "transaction.state.log.num.partitions=1",
                        "share.coordinator.state.topic.replication.factor=1",
                        "share.coordinator.state.topic.min.isr=1",
                        "group.initial.rebalance.delay.ms=0",
                        "")
                .replace("\\", "/");
    }

    /**
     * Broker logging: INFO to stdout, which {@link ServerProcess} appends to the log file. The
     * config dumps (hundreds of lines per client) and the per-partition state-change chatter are
     * kept at WARN so the log's tail, quoted in start-up errors, shows what happened.
     */
    private static final String LOG4J2_PROPERTIES = String.join(
            "\n",
            "# generated by org.lorapipe.devstack.KafkaBroker",
            "status = warn",
            "name = lora-kafka",
            "appender.out.type = Console",
            "appender.out.name = STDOUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.out.ref = STDOUT",
            "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
            "logger.config.level = WARN",
            "logger.state.name = state.change.logger",
            "logger.state.level = WARN",
            "logger.request.name = kafka.request.logger",
            "logger.request.level = WARN",
            "");
}
