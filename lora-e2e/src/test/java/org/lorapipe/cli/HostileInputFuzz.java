package org.lorapipe.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.cli.stack.StackKey;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.RecordKeys;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;

/**
 * Hostile input through the real doors of a running stack: {@link HostileInputs} cases sent as records
 * on {@code lora.training.requested} and the three stage input topics, and as bodies of
 * {@code POST /api/requests}. What must happen:
 *
 * <ul>
 *   <li>A record: exactly one {@code lora.pipeline.failed} with its key and a code the case expects, plus
 *       exactly one dead letter with its key when the code is {@code NOT_JSON} (none otherwise), and no
 *       stage outcome. A record over the broker's 1 MiB limit is refused by the broker and must leave
 *       nothing anywhere. Every outcome is due {@link Plan#deadline} after the last send; records keep
 *       being read {@link #GRACE} longer, so a second outcome is counted.
 *   <li>A body over HTTP: a 4xx at once (a 400 listing problems, or a 413 for a body over the HTTP limit)
 *       and nothing on Kafka with its id; a 5xx or a 202 is a finding.
 *   <li>Then every service's {@code /q/health/ready} is UP, no service holds a job ({@code GET /api/jobs}),
 *       and {@code GET /api/jobs/{id}} answers hostile ids with a 404. (The caller then runs a valid
 *       request to a merged model.)
 * </ul>
 *
 * It prints the seed (set {@code LORA_FUZZ_SEED} to repeat a run), the counts per outcome (failure code,
 * dead letters, broker refusals, HTTP status) and the time from send to outcome; a case that breaks a
 * rule is printed with its seed, index, mutation and bytes (cut), and the run fails listing them all.
 *
 * <p>The short variant ({@value #SHORT_INPUTS} inputs) runs in {@code .ci/run} inside
 * {@code PipelineEndToEndIT}, on the stack that test starts anyway; the full variant ({@value #FULL_INPUTS}
 * inputs) with {@code LORA_FUZZ=full}.
 */
final class HostileInputFuzz {
    static final int SHORT_INPUTS = 150;
    static final int FULL_INPUTS = 1200;
    /** How long records are read after the last outcome arrived, to catch a second one. */
    static final Duration GRACE = Duration.ofSeconds(5);

    /** How many inputs, and how long after the last send every outcome is due. */
    record Plan(String name, int inputs, Duration deadline) {
        static Plan chosen() {
            String v = System.getenv().getOrDefault("LORA_FUZZ", System.getProperty("lora.fuzz", "short"));
            return v.equalsIgnoreCase("full")
                    ? new Plan("full", FULL_INPUTS, Duration.ofMinutes(5))
                    : new Plan("short", SHORT_INPUTS, Duration.ofSeconds(90));
        }
    }

    /** A record the watcher saw with a key of this run. */
    record Seen(String topic, String code, long timestamp, boolean injected) {}

    /** What happened to one case on the sending side. */
    private static final class Sent {
        volatile long at;
        volatile Throwable error;
        int status;
        String body;
        long httpMs;
    }

    private static final List<String> STAGE_OUTCOMES = List.of(
            Topics.TRAINING_REQUESTED,
            Topics.DATASET_PREPARED,
            Topics.ADAPTER_TRAINED,
            Topics.EVALUATION_COMPLETED,
            Topics.MODEL_MERGED);
    private static final String INJECTED = "lora_fuzz_case";

    private final EmbeddedStack stack;
    private final Path root;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();

    HostileInputFuzz(EmbeddedStack stack, Path root, PrintStream out) {
        this.stack = stack;
        this.root = root;
        this.out = out;
    }

    /** Runs the chosen plan against the running stack; fails listing every case that broke a rule. */
    void run() throws Exception {
        Plan plan = Plan.chosen();
        long seed = Long.parseLong(System.getenv().getOrDefault("LORA_FUZZ_SEED", String.valueOf(System.nanoTime())));
        String prefix = "fz" + Long.toString(Math.abs(seed % 1_000_000_000L), 36);
        HostileInputs inputs = new HostileInputs(seed, prefix, root);
        List<HostileInputs.Case> cases = inputs.generate(plan.inputs());
        out.printf(
                Locale.ROOT,
                "%n== fuzz (%s): seed %d (LORA_FUZZ_SEED=%d repeats it), %d inputs from %d mutations%n",
                plan.name(),
                seed,
                seed,
                cases.size(),
                inputs.catalogueSize());
        long t0 = System.currentTimeMillis();
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicBoolean ready = new AtomicBoolean();
        Thread watcher = new Thread(() -> watch(prefix, watching, ready), "fuzz-watcher");
        watcher.setDaemon(true);
        watcher.start();
        List<Sent> sent = new ArrayList<>();
        long lastSend;
        try {
            while (!ready.get()) {
                Thread.sleep(100);
            }
            try (KafkaProducer<String, byte[]> producer = producer()) {
                for (HostileInputs.Case c : cases) {
                    Sent s = new Sent();
                    sent.add(s);
                    if (c.route() == HostileInputs.Route.HTTP) {
                        post(c, s);
                    } else {
                        send(producer, c, s);
                    }
                }
                producer.flush();
            }
            lastSend = System.currentTimeMillis();
            awaitOutcomes(cases, sent, lastSend + plan.deadline().toMillis());
            Thread.sleep(GRACE.toMillis());
        } finally {
            watching.set(false);
            watcher.join(10_000);
        }
        long sendMs = lastSend - t0;
        check(cases, sent);
        checkServices();
        report(plan, cases, sent, sendMs, System.currentTimeMillis() - t0);
        if (!violations.isEmpty()) {
            throw new AssertionError(violations.size() + " hostile input(s) broke a rule (seed " + seed + "):\n"
                    + String.join("\n", violations.subList(0, Math.min(30, violations.size()))));
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // above the broker's limit, so an oversize record reaches the broker and is refused there
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * HostileInputs.OVER_BROKER_LIMIT);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static void send(KafkaProducer<String, byte[]> producer, HostileInputs.Case c, Sent s) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(c.topic(), c.key(), c.value());
        c.headers().forEach((k, v) -> record.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        record.headers().add(INJECTED, String.valueOf(c.index()).getBytes(StandardCharsets.UTF_8));
        producer.send(record, (metadata, error) -> {
            s.error = error;
            s.at = System.currentTimeMillis();
        });
    }

    private void post(HostileInputs.Case c, Sent s) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> r = http("POST", "dataset-service", "/api/requests", c.value());
            s.status = r.statusCode();
            s.body = r.body();
        } catch (Exception e) {
            s.error = e;
        }
        s.httpMs = (System.nanoTime() - start) / 1_000_000;
        s.at = System.currentTimeMillis();
    }

    /**
     * The one place the fuzz talks HTTP to a service (an authentication header, when the API gets one,
     * is added here).
     */
    private HttpResponse<String> http(String method, String service, String path, byte[] body) throws Exception {
        int port = stack.components().stream()
                .filter(c -> c.name().equals(service))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(service + " is not running"))
                .port();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + EmbeddedStack.HOST + ":" + port + path))
                .timeout(Duration.ofSeconds(60))
                // as curl does for a large body: a server that refuses it (413) says so before it is sent
                .expectContinue(body != null && body.length > 64 * 1024)
                .header("Content-Type", "application/json");
        // the stack's own key: the fuzz is an authorised caller, so what it sees is the validation
        StackKey.read(stack.dir()).ifPresent(key -> b.header("Authorization", "Bearer " + key));
        b.method(
                method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads every topic (read_committed) and keeps the records whose key starts with {@code prefix}. */
    private void watch(String prefix, AtomicBoolean watching, AtomicBoolean ready) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fuzz-watcher-" + prefix);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(Topics.ALL);
            while (watching.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null || !r.key().startsWith(prefix)) {
                        continue;
                    }
                    String code = r.topic().equals(Topics.PIPELINE_FAILED) ? code(r.value()) : null;
                    boolean injected = r.headers().lastHeader(INJECTED) != null;
                    seen.computeIfAbsent(r.key(), k -> new CopyOnWriteArrayList<>())
                            .add(new Seen(r.topic(), code, r.timestamp(), injected));
                }
                if (!consumer.assignment().isEmpty()) {
                    ready.set(true);
                }
            }
        } catch (RuntimeException e) {
            violations.add("the watcher stopped: " + e);
            ready.set(true);
        }
    }

    private static String code(byte[] value) {
        try {
            JsonNode n = Json.mapper().readTree(value);
            return n.path("error").path("code").asText("?");
        } catch (Exception e) {
            return "UNREADABLE";
        }
    }

    /** What was seen on {@code topic} for the record keyed {@code key}, under the key its answers carry. */
    private List<Seen> seen(String key, String topic) {
        String sent = key == null ? null : new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        return seen.getOrDefault(RecordKeys.answerKey(sent), List.of()).stream()
                .filter(s -> s.topic().equals(topic) && !s.injected())
                .toList();
    }

    private boolean expectsFailure(HostileInputs.Case c, Sent s) {
        return c.route() == HostileInputs.Route.KAFKA && s.error == null;
    }

    private void awaitOutcomes(List<HostileInputs.Case> cases, List<Sent> sent, long deadline) throws Exception {
        while (System.currentTimeMillis() < deadline) {
            boolean all = true;
            for (int i = 0; i < cases.size() && all; i++) {
                if (expectsFailure(cases.get(i), sent.get(i))) {
                    all = !seen(cases.get(i).key(), Topics.PIPELINE_FAILED).isEmpty();
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(500);
        }
    }

    private void check(List<HostileInputs.Case> cases, List<Sent> sent) {
        for (int i = 0; i < cases.size(); i++) {
            HostileInputs.Case c = cases.get(i);
            Sent s = sent.get(i);
            List<String> wrong = new ArrayList<>();
            List<Seen> failures = seen(c.key(), Topics.PIPELINE_FAILED);
            List<Seen> dead = seen(c.key(), Topics.DEAD_LETTER);
            List<String> outcomes = STAGE_OUTCOMES.stream()
                    .filter(t -> !seen(c.key(), t).isEmpty())
                    .toList();
            if (!outcomes.isEmpty()) {
                wrong.add("ACCEPTED: a stage published on " + outcomes);
            }
            if (c.route() == HostileInputs.Route.HTTP) {
                if (s.error != null) {
                    wrong.add("HTTP call failed: " + s.error);
                } else if (s.status >= 500) {
                    wrong.add("HTTP " + s.status + " (a server error): " + HostileInputs.readable(s.body, 300));
                } else if (s.status == 413) {
                    // over the HTTP body limit: refused before it is read
                } else if (s.status != 400 || !hasProblems(s.body)) {
                    wrong.add("HTTP " + s.status + " instead of 400 with problems: "
                            + HostileInputs.readable(s.body, 300));
                }
                if (!failures.isEmpty() || !dead.isEmpty()) {
                    wrong.add("an HTTP refusal also reached Kafka: " + failures.size() + " failure(s), " + dead.size()
                            + " dead letter(s)");
                }
            } else if (s.error != null) {
                boolean refused = s.error instanceof RecordTooLargeException;
                if (!(c.oversize() && refused)) {
                    wrong.add("the send failed: " + s.error);
                } else if (!failures.isEmpty() || !dead.isEmpty()) {
                    wrong.add("refused by the broker, yet answered on Kafka");
                }
            } else {
                if (failures.size() != 1) {
                    wrong.add(failures.size() + " failure events (want exactly 1)");
                }
                if (!failures.isEmpty() && !c.codes().contains(failures.get(0).code())) {
                    wrong.add("failure code " + failures.get(0).code() + " (want one of " + c.codes() + ")");
                }
                boolean notJson = !failures.isEmpty()
                        && ErrorCodes.NOT_JSON.equals(failures.get(0).code());
                if (dead.size() != (notJson ? 1 : 0)) {
                    wrong.add(dead.size() + " dead letters (want " + (notJson ? 1 : 0) + ")");
                }
            }
            if (!wrong.isEmpty()) {
                violations.add(String.join("; ", wrong) + "\n    " + c.describe());
            }
        }
    }

    private static boolean hasProblems(String body) {
        try {
            JsonNode n = Json.mapper().readTree(body);
            return n.path("problems").isArray() && n.path("problems").size() > 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** Every service ready, holding no job, and answering hostile ids on its job view with a 404. */
    private void checkServices() throws Exception {
        List<String> ids = List.of("../../etc/passwd", "é😀", "x".repeat(5000), "%00", "a\nb", ".");
        for (EmbeddedStack.ComponentStatus c : stack.components()) {
            if (!c.name().endsWith("-service")) {
                continue;
            }
            HttpResponse<String> ready = http("GET", c.name(), "/q/health/ready", null);
            if (ready.statusCode() != 200 || !ready.body().contains("\"UP\"")) {
                violations.add(c.name() + " is not ready after the fuzz: " + ready.statusCode() + " " + ready.body());
            }
            HttpResponse<String> jobs = http("GET", c.name(), "/api/jobs", null);
            JsonNode held = Json.mapper().readTree(jobs.body()).path("held");
            if (jobs.statusCode() != 200 || !held.isArray() || held.size() > 0) {
                violations.add(c.name() + " holds jobs after the fuzz: " + jobs.statusCode() + " " + jobs.body());
            }
            for (String id : ids) {
                HttpResponse<String> r =
                        http("GET", c.name(), "/api/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8), null);
                if (r.statusCode() >= 500) {
                    violations.add(
                            c.name() + " GET /api/jobs/" + HostileInputs.readable(id, 40) + ": " + r.statusCode());
                }
            }
        }
    }

    private void report(Plan plan, List<HostileInputs.Case> cases, List<Sent> sent, long sendMs, long wallMs) {
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, Integer> routes = new TreeMap<>();
        List<Long> kafkaMs = new ArrayList<>();
        List<Long> httpMs = new ArrayList<>();
        int deadLetters = 0;
        for (int i = 0; i < cases.size(); i++) {
            HostileInputs.Case c = cases.get(i);
            Sent s = sent.get(i);
            routes.merge(
                    c.route() == HostileInputs.Route.HTTP ? "HTTP POST /api/requests" : "Kafka " + c.topic(),
                    1,
                    Integer::sum);
            deadLetters += seen(c.key(), Topics.DEAD_LETTER).size();
            if (c.route() == HostileInputs.Route.HTTP) {
                outcomes.merge("HTTP " + (s.error != null ? "error" : s.status), 1, Integer::sum);
                httpMs.add(s.httpMs);
            } else if (s.error != null) {
                outcomes.merge("refused by the broker (" + s.error.getClass().getSimpleName() + ")", 1, Integer::sum);
            } else {
                List<Seen> failures = seen(c.key(), Topics.PIPELINE_FAILED);
                outcomes.merge(
                        failures.isEmpty()
                                ? "NO OUTCOME"
                                : "failed " + failures.get(0).code(),
                        1,
                        Integer::sum);
                if (!failures.isEmpty()) {
                    kafkaMs.add(Math.max(0, failures.get(0).timestamp() - s.at));
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n== fuzz (%s): %d inputs%n", plan.name(), cases.size()));
        routes.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-42s %d%n", k, v)));
        b.append("outcomes\n");
        outcomes.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  %-42s %d%n", k, v)));
        b.append(String.format(Locale.ROOT, "  %-42s %d%n", "dead letters", deadLetters));
        b.append(String.format(Locale.ROOT, "%-44s %s%n", "Kafka: send to failure event", figures(kafkaMs)));
        b.append(String.format(Locale.ROOT, "%-44s %s%n", "HTTP: request to answer", figures(httpMs)));
        b.append(String.format(Locale.ROOT, "%-44s %.1f s%n", "sending", sendMs / 1000.0));
        b.append(String.format(
                Locale.ROOT,
                "%-44s %.1f s (grace %d s included)%n",
                "fuzz wall time",
                wallMs / 1000.0,
                GRACE.toSeconds()));
        b.append(String.format(Locale.ROOT, "%-44s %d%n", "cases that broke a rule", violations.size()));
        violations.stream().limit(30).forEach(v -> b.append("  ").append(v).append('\n'));
        out.print(b);
    }

    private static String figures(List<Long> ms) {
        if (ms.isEmpty()) {
            return "-";
        }
        List<Long> sorted = ms.stream().sorted().toList();
        return String.format(
                Locale.ROOT,
                "median %d ms, p95 %d ms, max %d ms (n=%d)",
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.min(sorted.size() - 1, Math.round(sorted.size() * 0.95))),
                sorted.get(sorted.size() - 1),
                sorted.size());
    }
}
