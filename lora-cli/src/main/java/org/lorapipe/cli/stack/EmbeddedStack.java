package org.lorapipe.cli.stack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;
import org.lorapipe.devstack.KafkaBroker;
import org.lorapipe.devstack.Ports;
import org.lorapipe.devstack.S3Server;
import org.lorapipe.devstack.ServiceLauncher;
import org.lorapipe.devstack.StackEnvironment;
import org.lorapipe.model.NativeMemoryPolicy;
import org.lorapipe.storage.StorageConfig;

/**
 * The embedded default of docs/CONTRACT.md: a real Kafka broker on 127.0.0.1:9092, an S3 server on
 * 127.0.0.1:9000 (minioadmin / minioadmin, bucket {@code lora}) and every stage service that has been
 * built, as background processes whose data and logs live under one folder (default {@code .lora/}).
 * The services' HTTP API takes the stack's own bearer key ({@link StackKey}, {@code <folder>/api-key}).
 * The processes outlive the command; their pids are kept in {@link StackState}.
 */
public final class EmbeddedStack {
    public static final String HOST = "127.0.0.1";
    public static final String ACCESS_KEY = "minioadmin";
    public static final String SECRET_KEY = "minioadmin";
    public static final String BUCKET = "lora";
    static final String BROKER = "kafka";
    static final String S3 = "s3";
    private static final Duration SERVICE_START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path projectRoot;
    private final Path dir;
    private final StackPorts ports;
    private final PrintStream out;
    private final List<String> serviceProperties;

    public EmbeddedStack(Path projectRoot, Path dir, StackPorts ports, PrintStream out) {
        this(projectRoot, dir, ports, out, List.of());
    }

    /**
     * @param serviceProperties {@code key=value} system properties every service is started with, on top
     *     of the stack's own (tests use it to tune a service, e.g. its progress interval)
     */
    public EmbeddedStack(
            Path projectRoot, Path dir, StackPorts ports, PrintStream out, List<String> serviceProperties) {
        this.serviceProperties = List.copyOf(serviceProperties);
        this.projectRoot = projectRoot;
        this.dir = dir.toAbsolutePath();
        this.ports = ports;
        this.out = out;
    }

    /** Kafka bootstrap servers of this stack. */
    public String bootstrapServers() {
        return HOST + ":" + ports.kafka();
    }

    public String s3Endpoint() {
        return "http://" + HOST + ":" + ports.s3();
    }

    /** How to reach this stack's bucket. */
    public StorageConfig storage() {
        return new StorageConfig(s3Endpoint(), ACCESS_KEY, SECRET_KEY, BUCKET, StorageConfig.DEFAULT_REGION);
    }

    public Path dir() {
        return dir;
    }

    /** Starts what is not running yet and waits until everything is healthy. */
    public void up() {
        StackState state = StackState.load(dir);
        forgetDead(state);
        Path logs = mkdirs(dir.resolve("logs"));
        if (running(state, BROKER)) {
            out.println("kafka      already running (pid " + find(state, BROKER).pid() + ")");
        } else {
            out.println("kafka      starting on " + HOST + ":" + ports.kafka() + " ...");
            KafkaBroker broker = KafkaBroker.start(new KafkaBroker.Options(
                    dir.resolve("kafka"), HOST, ports.kafka(), ports.controller(), logs.resolve("kafka.log"), true));
            state.add(new StackComponent(
                    BROKER,
                    broker.pid(),
                    ports.kafka(),
                    null,
                    logs.resolve("kafka.log").toString()));
        }
        Map<String, Integer> topics = new java.util.LinkedHashMap<>();
        Topics.ALL.forEach(t -> topics.put(t, Topics.partitions(t)));
        KafkaBroker.createTopics(HOST + ":" + ports.kafka(), topics);
        if (running(state, S3)) {
            out.println("s3         already running (pid " + find(state, S3).pid() + ")");
        } else {
            out.println("s3         starting on " + HOST + ":" + ports.s3() + " ...");
            S3Server s3 = S3Server.start(new S3Server.Options(
                    dir.resolve("s3"), HOST, ports.s3(), ACCESS_KEY, SECRET_KEY, logs.resolve("s3.log"), true));
            s3.createBucket(BUCKET);
            state.add(new StackComponent(
                    S3, s3.pid(), ports.s3(), null, logs.resolve("s3.log").toString()));
        }
        String apiKey = StackKey.ensure(dir);
        List<StackComponent> starting = new ArrayList<>();
        for (ServiceSpec service : ports.services()) {
            if (running(state, service.name())) {
                out.printf(
                        "%-10s already running (pid %d)%n",
                        shortName(service.name()), find(state, service.name()).pid());
            } else if (!Files.exists(service.runner(projectRoot))) {
                out.printf(
                        "%-10s not built (%s is missing): skipped%n",
                        shortName(service.name()), projectRoot.relativize(service.runner(projectRoot)));
            } else {
                StackComponent started = startService(service, logs, apiKey);
                state.add(started);
                starting.add(started);
            }
        }
        awaitHealthy(starting);
        printEndpoints(state);
    }

    /** The web console's address, e.g. {@code http://127.0.0.1:8180/}. */
    public String consoleUrl() {
        return ports.services().stream()
                .filter(s -> s.module().equals(ServiceSpec.CONSOLE_MODULE))
                .findFirst()
                .map(s -> consoleUrl(s.port()))
                .orElse(consoleUrl(ServiceSpec.CONSOLE_PORT));
    }

    private static String consoleUrl(int port) {
        return "http://" + HOST + ":" + port + "/";
    }

    /** Stops every recorded process (services first) and waits until their ports are free. */
    public void down() {
        StackState state = StackState.load(dir);
        List<StackComponent> components = new ArrayList<>(state.components());
        if (components.isEmpty()) {
            out.println("nothing to stop: no stack recorded in " + dir);
            return;
        }
        // services first (they flush their last events to the broker), then storage and the broker
        List<StackComponent> services =
                components.stream().filter(c -> c.health() != null).toList();
        List<StackComponent> infrastructure =
                components.stream().filter(c -> c.health() == null).toList();
        stopAll(services, state);
        stopAll(infrastructure, state);
        for (StackComponent c : components) {
            waitPortFree(c.port());
        }
        waitPortFree(ports.controller());
        out.println("stack stopped; data kept in " + dir + " (delete it for a fresh start)");
    }

    /** One line of {@code lora stack status}. */
    public record ComponentStatus(String name, long pid, int port, String state, List<String> held, String log) {}

    /** Every recorded component with its state and, for a service replica, the request ids it holds. */
    public List<ComponentStatus> components() {
        List<ComponentStatus> rows = new ArrayList<>();
        Optional<String> apiKey = StackKey.read(dir);
        for (StackComponent c : StackState.load(dir).components()) {
            String state = !c.alive() ? "stopped" : Health.healthy(c) ? "healthy" : "starting";
            rows.add(new ComponentStatus(c.name(), c.pid(), c.port(), state, Health.held(c, apiKey), c.log()));
        }
        return rows;
    }

    /**
     * Prints each component's state (as a table, or as JSON); returns true when every recorded component
     * is healthy.
     */
    public boolean status(boolean json) {
        List<ComponentStatus> rows = components();
        boolean allHealthy =
                !rows.isEmpty() && rows.stream().allMatch(r -> r.state().equals("healthy"));
        if (json) {
            out.println(Json.writePretty(Map.of("healthy", allHealthy, "components", rows)));
            return allHealthy;
        }
        if (rows.isEmpty()) {
            out.println("the stack is not running (start it with `lora stack up`)");
            return false;
        }
        out.printf("%-18s %-8s %-6s %-9s %-24s %s%n", "COMPONENT", "PID", "PORT", "STATE", "HOLDS", "LOG");
        for (ComponentStatus r : rows) {
            String holds = r.held().isEmpty() ? "-" : String.join(",", r.held());
            out.printf("%-18s %-8d %-6d %-9s %-24s %s%n", r.name(), r.pid(), r.port(), r.state(), holds, r.log());
        }
        return allHealthy;
    }

    /**
     * The system properties of a replica: its host, and its name as the stage instance id (its
     * transactional id, stable across restarts: a restarted replica aborts its predecessor's open
     * transaction at once).
     */
    private List<String> properties(ServiceSpec service) {
        List<String> props =
                new ArrayList<>(List.of("quarkus.http.host=" + HOST, "lora.stage.instance-id=" + service.name()));
        props.addAll(serviceProperties);
        return props;
    }

    private StackComponent startService(ServiceSpec service, Path logs, String apiKey) {
        Ports.requireNotListening(HOST, service.port(), service.name());
        Path log = logs.resolve(service.name() + ".log");
        Map<String, String> extra = new HashMap<>();
        NativeMemoryPolicy.load(projectRoot).applyTo(extra);
        extra.put("LORA_HOME", projectRoot.toString());
        StackKey.applyTo(extra, apiKey); // in the environment, not the command line: only this user reads it
        ProcessBuilder pb = ServiceLauncher.processBuilder(
                service.runner(projectRoot),
                service.port(),
                properties(service),
                new StackEnvironment(
                        HOST + ":" + ports.kafka(),
                        "http://" + HOST + ":" + ports.s3(),
                        ACCESS_KEY,
                        SECRET_KEY,
                        BUCKET),
                extra,
                log);
        pb.directory(projectRoot.toFile());
        try {
            Process process = pb.start();
            out.printf(
                    "%-10s starting on %s:%d (pid %d) ...%n",
                    shortName(service.name()), HOST, service.port(), process.pid());
            return new StackComponent(
                    service.name(), process.pid(), service.port(), service.healthUrl(), log.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + service.name(), e);
        }
    }

    private void awaitHealthy(List<StackComponent> starting) {
        long deadline = System.nanoTime() + SERVICE_START_TIMEOUT.toNanos();
        List<StackComponent> pending = new ArrayList<>(starting);
        while (!pending.isEmpty()) {
            pending.removeIf(Health::healthy);
            for (StackComponent c : pending) {
                if (!c.alive()) {
                    throw new IllegalStateException(c.name() + " exited during start-up; see its log: " + c.log() + "\n"
                            + tail(Path.of(c.log()), 15));
                }
            }
            if (pending.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not healthy after " + SERVICE_START_TIMEOUT.toSeconds() + " s: "
                        + pending.stream().map(StackComponent::name).toList() + " (see their logs in " + dir
                        + "/logs)");
            }
            sleep(500);
        }
    }

    private void printEndpoints(StackState state) {
        out.println();
        out.println("The stack is up:");
        out.println("  Kafka   " + HOST + ":" + ports.kafka() + "   (topics: " + String.join(", ", Topics.ALL) + ")");
        out.println("  S3      http://" + HOST + ":" + ports.s3() + "   (access key " + ACCESS_KEY + ", bucket "
                + BUCKET + ")");
        for (StackComponent c : state.components()) {
            if (c.name().equals(ServiceSpec.CONSOLE_MODULE)) {
                out.printf(
                        "  console: %s   (the web console; paste the API key below into it)%n", consoleUrl(c.port()));
            } else if (c.health() != null) {
                out.printf(
                        "  %-7s %s%n",
                        shortName(c.name()),
                        c.health().replace("/q/health", "") + "   (health /q/health, jobs /api/jobs)");
            }
        }
        out.println("  API key " + StackKey.file(dir) + "   (owner-only; send it as a bearer token: curl -H"
                + " \"Authorization: Bearer $(cat " + StackKey.file(dir) + ")\" ...)");
        out.println("  logs    " + dir.resolve("logs"));
    }

    /** SIGTERM to every process at once, then wait for each (SIGKILL after the timeout). */
    private void stopAll(List<StackComponent> group, StackState state) {
        List<ProcessHandle> signalled = new ArrayList<>();
        for (StackComponent c : group) {
            ProcessHandle.of(c.pid())
                    .filter(ProcessHandle::isAlive)
                    .filter(EmbeddedStack::isJava)
                    .ifPresent(p -> {
                        out.printf("stopping %s (pid %d)%n", c.name(), c.pid());
                        p.destroy();
                        signalled.add(p);
                    });
        }
        for (ProcessHandle p : signalled) {
            try {
                p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        group.forEach(c -> state.remove(c.name()));
    }

    /** Guards against a recycled pid: only a java process can be one of ours. */
    private static boolean isJava(ProcessHandle p) {
        return p.info().command().map(cmd -> cmd.endsWith("java")).orElse(true);
    }

    private void waitPortFree(int port) {
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (Ports.isListening(HOST, port) && System.nanoTime() < deadline) {
            sleep(200);
        }
    }

    private static void forgetDead(StackState state) {
        for (StackComponent c : state.components()) {
            if (!c.alive()) {
                state.remove(c.name());
            }
        }
    }

    private static boolean running(StackState state, String name) {
        StackComponent c = find(state, name);
        return c != null && c.alive();
    }

    private static StackComponent find(StackState state, String name) {
        return state.components().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    private static String shortName(String service) {
        return service.replace("-service", "");
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + p, e);
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
