package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.cli.stack.ServiceSpec;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.artifact.LossPoint;
import org.lorapipe.contract.artifact.TrainingRecord;
import org.lorapipe.contract.checksum.ChecksumVerifier;
import org.lorapipe.contract.event.ModelMerged;
import org.lorapipe.contract.event.TrainingProgress;
import org.lorapipe.contract.json.Json;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.lorapipe.testkit.KafkaTestClient;
import org.lorapipe.testkit.TestData;

/**
 * Many replicas, one result, under fire: two replicas of every stage as real processes on a real
 * broker and S3 server (the {@link SharedStack} the end-to-end test runs on, with a second replica of
 * each stage added), several requests on stories260K, and replicas killed with -9 while they work
 * (trainers in the middle of training among them). It must end with exactly one outcome per request on
 * every topic (read {@code read_committed}), no failure, every merged model matching its
 * {@code SHA256SUMS}, and every resumed run continuing from a checkpoint with the losses it had.
 *
 * <p>The short variant (4 requests, 3 kills) runs in {@code .ci/run} and also reads the trainers'
 * consumer-group lag while they are busy: queued plus running work shows as lag (what KEDA scales on)
 * and goes back to 0 when all is done. The full variant (12 requests, at least 8 kills, 3 of them
 * trainers mid-training, a SIGTERM to one replica of each stage, a broker restart and 30 s without S3):
 * after {@code ./mvnw -B install -DskipTests}, {@code LORA_CHAOS=full ./mvnw -B verify -pl lora-e2e
 * -Dit.test=ChaosIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@ExtendWith(SharedStack.Resolver.class)
class ChaosIT {
    private static final int CHECKPOINT_EVERY = 10;
    private static final List<String> OUTCOME_TOPICS =
            List.of(Topics.DATASET_PREPARED, Topics.ADAPTER_TRAINED, Topics.EVALUATION_COMPLETED, Topics.MODEL_MERGED);

    /** What the run does to the stack. */
    record Plan(
            String name,
            int requests,
            int steps,
            int kills,
            int trainerKills,
            boolean sigterms,
            boolean brokerRestart,
            Duration s3Outage,
            Duration killEvery,
            Duration deadline) {
        static final Plan SHORT = new Plan(
                "short", 4, 80, 3, 1, false, false, Duration.ZERO, Duration.ofSeconds(12), Duration.ofMinutes(8));
        static final Plan FULL = new Plan(
                "full",
                12,
                300,
                8,
                3,
                true,
                true,
                Duration.ofSeconds(30),
                Duration.ofSeconds(20),
                Duration.ofMinutes(30));

        static Plan chosen() {
            String v = System.getenv().getOrDefault("LORA_CHAOS", System.getProperty("lora.chaos", "short"));
            return v.equalsIgnoreCase("full") ? FULL : SHORT;
        }
    }

    /** One thing done to a replica or to the infrastructure. */
    record Action(String kind, String component, String stage, long atMs, List<String> held) {}

    @TempDir
    Path dir;

    private final Random random = new Random(7);
    private final List<Action> actions = new CopyOnWriteArrayList<>();
    /** Every record seen per topic, in arrival order (the watcher reads read_committed). */
    private final Map<String, List<ConsumerRecord<String, String>>> seen = new ConcurrentHashMap<>();

    private final AtomicLong maxBusyLag = new AtomicLong(-1);
    /** Starts killed replicas again, one at a time, so the next kill need not wait for a restart. */
    private final ExecutorService restarter = Executors.newSingleThreadExecutor();

    private final List<String> restartFailures = new CopyOnWriteArrayList<>();
    private volatile RuntimeException watcherFailure;
    /** When this test began: what happened on the shared stack before is other tests' business. */
    private long since;

    @Test
    void manyReplicasOneResult(SharedStack shared) throws Exception {
        Plan plan = Plan.chosen();
        Path root = shared.root();
        EmbeddedStack stack = shared.withStageReplicas(2);
        long t0 = System.currentTimeMillis();
        since = t0;
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = null;
        try {
            // the model and data the requests name (again, if another test uploaded them already)
            assertThat(DemoCommand.uploadExample(stack, TestData.dir("models/stories260K"), root))
                    .isZero();
            watcher = new Thread(() -> watch(stack.bootstrapServers(), watching), "chaos-watcher");
            watcher.setDaemon(true);
            watcher.start();

            List<String> ids = new ArrayList<>();
            try (KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
                for (int i = 1; i <= plan.requests(); i++) {
                    String id = "chaos-" + i + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
                    ids.add(id);
                    kafka.send(Topics.TRAINING_REQUESTED, id, request(root, id, i, plan.steps()));
                }
            }
            long started = System.currentTimeMillis();
            wreak(plan, stack, ids, started);
            awaitRestarts();
            awaitMerged(ids, started + plan.deadline().toMillis());
            long wall = System.currentTimeMillis() - started;

            Map<String, Long> lags = awaitIdleLag(stack.bootstrapServers());
            List<String> resumed = checkTrainingCurves(stack, ids, plan.steps());
            checkOutcomes(ids);
            checkMergedModels(stack, ids);
            report(plan, ids, resumed, wall, lags);

            assertThat(actions.stream().filter(a -> a.kind().equals("kill -9")))
                    .as("replicas killed")
                    .hasSizeGreaterThanOrEqualTo(plan.kills());
            assertThat(actions.stream()
                            .filter(a -> a.kind().equals("kill -9")
                                    && a.stage().equals("training")
                                    && !a.held().isEmpty()))
                    .as("trainers killed mid-training")
                    .hasSizeGreaterThanOrEqualTo(plan.trainerKills());
            assertThat(maxBusyLag.get())
                    .as("the trainers' group lag while they work (queued + running records)")
                    .isPositive();
            assertThat(lags)
                    .as("lag of every stage's group once all is done")
                    .allSatisfy((g, lag) -> assertThat(lag).as(g).isZero());
        } finally {
            restarter.shutdownNow();
            watching.set(false);
            if (watcher != null) {
                watcher.join(10_000);
            }
            System.out.printf(Locale.ROOT, "chaos: %.0f s in all%n", (System.currentTimeMillis() - t0) / 1000.0);
        }
    }

    /** The example request, made short: q,v LoRA, {@code steps} steps, perplexity only. */
    private static String request(Path root, String id, int n, int steps) throws Exception {
        ObjectNode r = (ObjectNode) Json.mapper()
                .readTree(root.resolve("examples/stories-instruct/request.json").toFile());
        r.put("requestId", id);
        ObjectNode lora = (ObjectNode) r.get("lora");
        ArrayNode targets = lora.putArray("targetModules");
        targets.add("q_proj").add("v_proj");
        ObjectNode training = (ObjectNode) r.get("training");
        training.put("maxSteps", steps);
        training.put("checkpointEverySteps", CHECKPOINT_EVERY);
        training.put("warmupSteps", 5);
        training.put("seed", n);
        ObjectNode evaluation = (ObjectNode) r.get("evaluation");
        ArrayNode tasks = evaluation.putArray("tasks");
        tasks.addObject().put("name", "perplexity");
        return Json.mapper().writeValueAsString(r);
    }

    /** Kills, SIGTERMs and outages, one about every {@code killEvery}, while requests remain. */
    private void wreak(Plan plan, EmbeddedStack stack, List<String> ids, long started) throws Exception {
        int kills = 0;
        int trainerKills = 0;
        boolean sigtermed = !plan.sigterms();
        boolean brokerRestarted = !plan.brokerRestart();
        boolean s3Stopped = plan.s3Outage().isZero();
        long deadline = started + plan.deadline().toMillis();
        while (System.currentTimeMillis() < deadline) {
            boolean remaining = merged(ids) < ids.size();
            boolean done = kills >= plan.kills()
                    && trainerKills >= plan.trainerKills()
                    && sigtermed
                    && brokerRestarted
                    && s3Stopped;
            if (done || !remaining) {
                return;
            }
            Thread.sleep(plan.killEvery().toMillis() / 2);
            if (trainerKills < plan.trainerKills()) {
                // a trainer in the middle of training: it holds a job and has reported a step recently
                EmbeddedStack.ComponentStatus busy = busyTrainer(stack, plan.steps());
                if (busy != null) {
                    kill(stack, busy, "kill -9");
                    kills++;
                    trainerKills++;
                    Thread.sleep(plan.killEvery().toMillis() / 2);
                    continue;
                }
            }
            if (!sigtermed && kills >= 2) {
                awaitRestarts(); // one replica of each stage, each with a live partner
                for (String module : ServiceSpec.MODULES) {
                    List<EmbeddedStack.ComponentStatus> replicas = replicas(stack, module);
                    kill(stack, replicas.get(random.nextInt(replicas.size())), "SIGTERM");
                }
                sigtermed = true;
            } else if (!brokerRestarted && kills >= 4) {
                restartInfrastructure(stack, "kafka", Duration.ZERO);
                brokerRestarted = true;
            } else if (!s3Stopped && kills >= 6) {
                restartInfrastructure(stack, "s3", plan.s3Outage());
                s3Stopped = true;
            } else if (kills < plan.kills()) {
                String module = ServiceSpec.MODULES.get(random.nextInt(ServiceSpec.MODULES.size()));
                List<EmbeddedStack.ComponentStatus> replicas = replicas(stack, module);
                if (!replicas.isEmpty()) { // both may be down, restarting
                    kill(stack, replicas.get(random.nextInt(replicas.size())), "kill -9");
                    kills++;
                }
            }
            Thread.sleep(plan.killEvery().toMillis() / 2);
        }
    }

    private EmbeddedStack.ComponentStatus busyTrainer(EmbeddedStack stack, int steps) {
        long now = System.currentTimeMillis();
        for (EmbeddedStack.ComponentStatus c : replicas(stack, "trainer-service")) {
            for (String id : c.held()) {
                List<TrainingProgress> seenSteps = progress(id);
                if (!seenSteps.isEmpty()
                        && seenSteps.get(seenSteps.size() - 1).step() < steps - 5
                        && now
                                        - seenSteps
                                                .get(seenSteps.size() - 1)
                                                .occurredAt()
                                                .toEpochMilli()
                                < 3_000) {
                    return c;
                }
            }
        }
        return null;
    }

    private static List<EmbeddedStack.ComponentStatus> replicas(EmbeddedStack stack, String module) {
        return stack.components().stream()
                .filter(c -> c.name().startsWith(module) && c.state().equals("healthy"))
                .toList();
    }

    /** Kills a replica ({@code kill -9} or SIGTERM) and starts it again (same port, same instance id). */
    private void kill(EmbeddedStack stack, EmbeddedStack.ComponentStatus c, String how) throws Exception {
        String stage = c.name().startsWith("dataset")
                ? "dataset"
                : c.name().startsWith("trainer") ? "training" : c.name().startsWith("eval") ? "evaluation" : "merge";
        actions.add(new Action(how, c.name(), stage, System.currentTimeMillis(), c.held()));
        System.out.printf("chaos: %s %s (pid %d, holding %s)%n", how, c.name(), c.pid(), c.held());
        ProcessHandle p = ProcessHandle.of(c.pid()).orElseThrow();
        if (how.equals("SIGTERM")) {
            p.destroy();
        } else {
            p.destroyForcibly();
        }
        p.onExit().get(120, TimeUnit.SECONDS);
        restarter.submit(() -> {
            try {
                stack.up(); // starts what is not running
            } catch (RuntimeException e) {
                restartFailures.add(c.name() + ": " + e.getMessage());
            }
        });
    }

    /** Waits until every killed replica runs again. */
    private void awaitRestarts() throws Exception {
        restarter.submit(() -> null).get(5, TimeUnit.MINUTES);
        assertThat(restartFailures).as("replicas that did not come back").isEmpty();
    }

    private void restartInfrastructure(EmbeddedStack stack, String name, Duration down) throws Exception {
        EmbeddedStack.ComponentStatus c = stack.components().stream()
                .filter(x -> x.name().equals(name))
                .findFirst()
                .orElseThrow();
        awaitRestarts();
        actions.add(new Action("restart", name, "-", System.currentTimeMillis(), List.of()));
        System.out.printf("chaos: stopping %s for %d s%n", name, down.toSeconds());
        ProcessHandle p = ProcessHandle.of(c.pid()).orElseThrow();
        p.destroy();
        p.onExit().get(60, TimeUnit.SECONDS);
        Thread.sleep(down.toMillis());
        stack.up();
    }

    /** Reads every pipeline topic, read_committed, from the beginning, until told to stop. */
    private void watch(String bootstrap, AtomicBoolean watching) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "chaos-watcher-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        long nextLag = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
                Admin admin = admin(bootstrap)) {
            consumer.subscribe(Topics.ALL);
            while (watching.get()) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    seen.computeIfAbsent(r.topic(), t -> new CopyOnWriteArrayList<>())
                            .add(r);
                }
                if (System.currentTimeMillis() > nextLag) {
                    nextLag = System.currentTimeMillis() + 1_000;
                    sampleBusyLag(admin);
                }
            }
        } catch (RuntimeException e) {
            System.out.println("chaos watcher: " + e);
        }
    }

    /** The trainers' lag while a training is under way (a progress event in the last 2 s). */
    private void sampleBusyLag(Admin admin) {
        long now = System.currentTimeMillis();
        boolean training = records(Topics.TRAINING_PROGRESS).stream().anyMatch(r -> now - r.timestamp() < 2_000);
        if (!training) {
            return;
        }
        try {
            long lag = lag(admin, "trainer-service", Topics.DATASET_PREPARED);
            maxBusyLag.accumulateAndGet(lag, Math::max);
        } catch (Exception e) {
            // the broker may be restarting: next time
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                10_000));
    }

    /** What KEDA's Kafka scaler computes: the sum over partitions of end offset minus committed offset. */
    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        int partitions = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .size();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            ends.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Every stage's group lag, waited for until it is 0 (at most 30 s: idle offsets move every 5 s). */
    private Map<String, Long> awaitIdleLag(String bootstrap) throws Exception {
        Map<String, String> groups = new LinkedHashMap<>();
        groups.put("dataset-service", Topics.TRAINING_REQUESTED);
        groups.put("trainer-service", Topics.DATASET_PREPARED);
        groups.put("eval-service", Topics.ADAPTER_TRAINED);
        groups.put("merge-service", Topics.EVALUATION_COMPLETED);
        Map<String, Long> lags = new LinkedHashMap<>();
        long deadline = System.currentTimeMillis() + 30_000;
        try (Admin admin = admin(bootstrap)) {
            do {
                for (var g : groups.entrySet()) {
                    lags.put(g.getKey(), lag(admin, g.getKey(), g.getValue()));
                }
                if (lags.values().stream().allMatch(l -> l == 0)) {
                    break;
                }
                Thread.sleep(1_000);
            } while (System.currentTimeMillis() < deadline);
        }
        return lags;
    }

    private List<ConsumerRecord<String, String>> records(String topic) {
        return seen.getOrDefault(topic, List.of());
    }

    private long merged(List<String> ids) {
        return records(Topics.MODEL_MERGED).stream()
                .map(ConsumerRecord::key)
                .filter(ids::contains)
                .distinct()
                .count();
    }

    private void awaitMerged(List<String> ids, long deadline) throws InterruptedException {
        while (merged(ids) < ids.size()) {
            assertThat(watcherFailure).as("the watcher").isNull();
            List<String> failed = records(Topics.PIPELINE_FAILED).stream()
                    .filter(r -> ids.contains(r.key()))
                    .map(ConsumerRecord::value)
                    .toList();
            assertThat(failed).as("failures").isEmpty();
            assertThat(System.currentTimeMillis())
                    .as("all %d merged in time (merged: %d; actions: %s)", ids.size(), merged(ids), actions)
                    .isLessThan(deadline);
            Thread.sleep(1_000);
        }
        Thread.sleep(3_000); // let any duplicate arrive before counting
    }

    private List<TrainingProgress> progress(String id) {
        return records(Topics.TRAINING_PROGRESS).stream()
                .filter(r -> id.equals(r.key()))
                .map(r -> Json.read(r.value(), TrainingProgress.class))
                .toList();
    }

    /**
     * Every run's curve has each step once; a run trained more than once (its trainer was killed or
     * stopped) resumed right after a checkpoint and had the same losses at the steps both attempts ran.
     * Returns the resumed runs.
     */
    private List<String> checkTrainingCurves(EmbeddedStack stack, List<String> ids, int steps) throws Exception {
        List<String> resumed = new ArrayList<>();
        try (ObjectStore store = store(stack)) {
            for (String id : ids) {
                TrainingRecord record = Json.read(
                        store.getString(S3Uri.parse("s3://lora/runs/" + id + "/adapter/" + TrainingRecord.FILE)),
                        TrainingRecord.class);
                assertThat(record.losses()).extracting(LossPoint::step).as(id).doesNotHaveDuplicates();
                assertThat(record.losses()).as(id).hasSize(steps);

                List<List<TrainingProgress>> attempts = new ArrayList<>();
                long last = Long.MAX_VALUE;
                for (TrainingProgress p : progress(id)) {
                    if (p.step() <= last) {
                        attempts.add(new ArrayList<>());
                    }
                    attempts.get(attempts.size() - 1).add(p);
                    last = p.step();
                }
                for (int a = 1; a < attempts.size(); a++) {
                    long from = attempts.get(a).get(0).step();
                    assertThat((from - 1) % CHECKPOINT_EVERY)
                            .as("%s attempt %d starts right after a checkpoint (step %d)", id, a + 1, from)
                            .isZero();
                    Map<Long, Double> before = new TreeMap<>();
                    attempts.get(a - 1).forEach(p -> before.put(p.step(), p.loss()));
                    for (TrainingProgress p : attempts.get(a)) {
                        if (before.containsKey(p.step())) {
                            assertThat(p.loss())
                                    .as("%s: loss at step %d, before and after the resume", id, p.step())
                                    .isEqualTo(before.get(p.step()));
                        }
                    }
                    if (!resumed.contains(id)) {
                        resumed.add(id);
                    }
                }
                assertThat(attempts).as("%s reported its progress", id).isNotEmpty();
                Map<Long, Double> published = new TreeMap<>();
                record.losses().forEach(l -> published.put(l.step(), l.loss()));
                for (TrainingProgress p : attempts.get(attempts.size() - 1)) {
                    assertThat(published.get(p.step()))
                            .as("%s: the published curve is the last attempt's at step %d", id, p.step())
                            .isEqualTo(p.loss());
                }
            }
        }
        return resumed;
    }

    /** Exactly one outcome per request on every topic, and no failure or dead letter. */
    private void checkOutcomes(List<String> ids) {
        for (String topic : OUTCOME_TOPICS) {
            Map<String, Long> counts = new TreeMap<>();
            records(topic).stream()
                    .filter(r -> ids.contains(r.key()))
                    .forEach(r -> counts.merge(r.key(), 1L, Long::sum));
            assertThat(counts).as("one %s per request", topic).hasSize(ids.size());
            assertThat(counts.values())
                    .as("no duplicate on %s: %s", topic, counts)
                    .containsOnly(1L);
        }
        assertThat(records(Topics.PIPELINE_FAILED).stream().filter(r -> ids.contains(r.key())))
                .as("failures")
                .isEmpty();
        assertThat(records(Topics.DEAD_LETTER).stream().filter(r -> r.timestamp() >= since))
                .as("dead letters since the chaos began (other tests on the shared stack forge some)")
                .isEmpty();
    }

    private void checkMergedModels(EmbeddedStack stack, List<String> ids) throws Exception {
        try (ObjectStore store = store(stack)) {
            for (String id : ids) {
                ModelMerged merged = Json.read(
                        records(Topics.MODEL_MERGED).stream()
                                .filter(r -> id.equals(r.key()))
                                .findFirst()
                                .orElseThrow()
                                .value(),
                        ModelMerged.class);
                assertThat(merged.merged()).as(id).isTrue();
                Path local = Files.createDirectories(dir.resolve("merged").resolve(id));
                store.downloadPrefix(S3Uri.parse(merged.modelUri()), local);
                assertThat(ChecksumVerifier.verify(local))
                        .as("%s matches its SHA256SUMS", id)
                        .isNotEmpty();
            }
        }
    }

    private static ObjectStore store(EmbeddedStack stack) {
        return new ObjectStore(stack.storage());
    }

    /**
     * Kills by stage, resumes, the longest a killed trainer's run waited until it trained again (the
     * next owner may be busy with a job of its own), wall time, outcomes per topic.
     */
    private void report(Plan plan, List<String> ids, List<String> resumed, long wallMs, Map<String, Long> lags) {
        Map<String, Integer> killsByStage = new TreeMap<>();
        actions.stream()
                .filter(a -> a.kind().equals("kill -9"))
                .forEach(a -> killsByStage.merge(a.stage(), 1, Integer::sum));
        long longestResume = 0;
        for (Action a : actions) {
            if (!a.stage().equals("training")) {
                continue;
            }
            for (String id : a.held()) {
                long back = records(Topics.TRAINING_PROGRESS).stream()
                        .filter(r -> id.equals(r.key()) && r.timestamp() > a.atMs() + 500)
                        .mapToLong(ConsumerRecord::timestamp)
                        .min()
                        .orElse(a.atMs());
                longestResume = Math.max(longestResume, back - a.atMs());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT, "%n== chaos (%s): %d requests, 2 replicas per stage%n", plan.name(), ids.size()));
        out.append(String.format(Locale.ROOT, "%-28s %s%n", "kills (-9) by stage", killsByStage));
        out.append(String.format(
                Locale.ROOT,
                "%-28s %s%n",
                "other actions",
                actions.stream()
                        .filter(a -> !a.kind().equals("kill -9"))
                        .map(a -> a.kind() + " " + a.component())
                        .toList()));
        out.append(String.format(Locale.ROOT, "%-28s %d %s%n", "runs resumed", resumed.size(), resumed));
        out.append(String.format(Locale.ROOT, "%-28s %.1f s%n", "longest time to resume", longestResume / 1000.0));
        out.append(String.format(Locale.ROOT, "%-28s %.0f s%n", "wall time", wallMs / 1000.0));
        out.append(String.format(Locale.ROOT, "%-28s %d%n", "max trainer lag while busy", maxBusyLag.get()));
        out.append(String.format(Locale.ROOT, "%-28s %s%n", "lag once done", lags));
        for (String topic : Topics.ALL) {
            long n = records(topic).stream().filter(r -> ids.contains(r.key())).count();
            out.append(String.format(Locale.ROOT, "  %-26s %d%n", topic, n));
        }
        System.out.print(out);
    }
}
