package org.lorapipe.service.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lorapipe.contract.ErrorCodes;
import org.lorapipe.contract.Stage;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.event.PipelineFailed;
import org.lorapipe.contract.json.Json;
import org.lorapipe.contract.request.InvalidRequestException;
import org.lorapipe.contract.request.NotJsonException;
import org.lorapipe.contract.request.TrainingRequest;
import org.lorapipe.service.config.ServiceConfig;
import org.lorapipe.service.jobs.JobRegistry;
import org.lorapipe.service.jobs.JobState;
import org.lorapipe.service.metrics.ConsumerLag;
import org.lorapipe.service.metrics.StageMetrics;
import org.lorapipe.service.testing.SampleEvents;
import org.lorapipe.service.tracing.JobSpans;
import org.lorapipe.service.tracing.RecordingSpans;
import org.lorapipe.service.tracing.TraceHeaders;
import org.lorapipe.storage.StorageException;

/**
 * The generic stage consumer against Kafka's own mock clients (the broker path is covered by the
 * services' contract tests and the chaos test): what is paused, what is committed with which outcome,
 * and what is left uncommitted.
 */
class StageConsumerTest {
    private static final String INPUT = Topics.DATASET_PREPARED;
    private static final TopicPartition P0 = new TopicPartition(INPUT, 0);
    private static final TopicPartition P1 = new TopicPartition(INPUT, 1);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final List<MockProducer<String, byte[]>> producers = new ArrayList<>();
    private final ServiceConfig service = new ServiceConfig() {
        @Override
        public String stage() {
            return "training";
        }

        @Override
        public String name() {
            return "trainer-service";
        }
    };
    private final JobRegistry registry = new JobRegistry(service);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final StageMetrics metrics = new StageMetrics(meters, service, registry);
    private final AtomicBoolean fatal = new AtomicBoolean();
    private StageConsumer<String> stage;
    private Tracer tracer = OpenTelemetry.noop().getTracer(JobSpans.INSTRUMENTATION);

    /** Input values are request ids; "junk" is not JSON, "bad-*" breaks the contract. */
    private final class Handler implements StageHandler<String> {
        final BiFunction<String, JobControl, String> work;

        Handler(BiFunction<String, JobControl, String> work) {
            this.work = work;
        }

        @Override
        public String parse(String json) {
            if (json.equals("junk")) {
                throw new NotJsonException("unexpected character");
            }
            if (json.startsWith("bad-")) {
                throw new InvalidRequestException(json, List.of("lora.r must be a positive integer, got 0"));
            }
            return json;
        }

        @Override
        public TrainingRequest request(String id) {
            return SampleEvents.request(id);
        }

        @Override
        public String describe(String id) {
            return "working on " + id;
        }

        @Override
        public StageResult work(String id, JobControl control) {
            String summary = work.apply(id, control);
            return new StageResult(
                    Topics.ADAPTER_TRAINED,
                    PipelineFailed.of(id, null, Stage.TRAINING, "NONE", summary, false, List.of()),
                    summary);
        }
    }

    private void start(int concurrency, BiFunction<String, JobControl, String> work) {
        KafkaClients clients = new KafkaClients() {
            @Override
            public Consumer<String, byte[]> consumer() {
                return consumer;
            }

            @Override
            public Producer<String, byte[]> producer() {
                var p = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
                producers.add(p);
                return p;
            }
        };
        stage = new StageConsumer<>(
                new Handler(work),
                Stage.TRAINING,
                "/lora/trainer-service",
                new StageConsumer.Settings(
                        INPUT,
                        concurrency,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(3),
                        idleCommitInterval,
                        InboundGate.DEFAULT_REQUEST_BYTES,
                        jobTime),
                clients,
                registry,
                () -> fatal.set(true),
                metrics,
                new ConsumerLag(meters, "test-group"),
                tracer);
        stage.open();
        consumer.rebalance(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    }

    @AfterEach
    void stop() {
        if (stage != null) {
            stage.close();
        }
    }

    private MockProducer<String, byte[]> producer() {
        return producers.get(producers.size() - 1);
    }

    private long offset;
    /** Off unless a test is about it: it adds commits of its own. */
    private Duration idleCommitInterval = Duration.ofHours(1);

    private Duration jobTime = Duration.ofHours(1);

    private void send(TopicPartition tp, String value) {
        consumer.addRecord(new ConsumerRecord<>(
                tp.topic(), tp.partition(), offset++, value, value.getBytes(StandardCharsets.UTF_8)));
    }

    private void send(TopicPartition tp, String value, String traceparent) {
        var record = new ConsumerRecord<>(
                tp.topic(), tp.partition(), offset++, value, value.getBytes(StandardCharsets.UTF_8));
        record.headers().add(TraceHeaders.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        consumer.addRecord(record);
    }

    /** Turns the loop until {@code done} holds (each turn polls, commits and re-pauses). */
    private void turnUntil(java.util.function.BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    stage.runOnce();
                    return done.getAsBoolean();
                });
    }

    private List<Map<TopicPartition, OffsetAndMetadata>> committedOffsets() {
        List<Map<TopicPartition, OffsetAndMetadata>> out = new ArrayList<>();
        for (var p : producers) {
            p.consumerGroupOffsetsHistory().forEach(m -> out.addAll(m.values()));
        }
        return out;
    }

    private List<ProducerRecord<String, byte[]>> published() {
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        producers.forEach(p -> out.addAll(p.history()));
        return out;
    }

    private static String header(ProducerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aJobHoldsItsPartitionPausedAndCommitsItsOutcomeWithTheOffsetInOneTransaction() {
        CountDownLatch release = new CountDownLatch(1);
        start(1, (id, control) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "done " + id;
        });
        send(P0, "run-1");
        stage.runOnce();

        assertThat(consumer.paused())
                .as("while the job runs, nothing more is taken")
                .contains(P0, P1);
        assertThat(registry.active()).containsExactly("run-1");
        await().atMost(Duration.ofSeconds(5)).until(() -> active("running") == 1);
        assertThat(active("queued")).isZero();
        for (int i = 0; i < 20; i++) {
            stage.runOnce(); // the loop keeps polling: the member stays in the group
        }
        assertThat(committedOffsets())
                .as("nothing committed while the job runs: the record counts as lag")
                .isEmpty();

        release.countDown();
        turnUntil(() -> !committedOffsets().isEmpty());
        assertThat(committedOffsets()).containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
        ProducerRecord<String, byte[]> outcome = published().get(0);
        assertThat(published()).hasSize(1);
        assertThat(outcome.topic()).isEqualTo(Topics.ADAPTER_TRAINED);
        assertThat(outcome.key()).isEqualTo("run-1");
        assertThat(header(outcome, "ce_id")).isEqualTo("run-1/training/lora.adapter.trained/" + INPUT + "-0-0");
        assertThat(producer().transactionCommitted()).isTrue();
        assertThat(consumer.paused()).as("free again").isEmpty();
        assertThat(registry.find("run-1").orElseThrow().state()).isEqualTo(JobState.DONE);
        assertThat(meters.get(StageMetrics.ACCEPTED).counter().count()).isEqualTo(1);
        assertThat(finished("done", "none")).isEqualTo(1);
        assertThat(meters.get(StageMetrics.DURATION)
                        .tags("stage", "training", "outcome", "done")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(active("running")).isZero();
    }

    private double active(String state) {
        return meters.get(StageMetrics.ACTIVE).tag("state", state).gauge().value();
    }

    private double finished(String outcome, String code) {
        var counter = meters.find(StageMetrics.FINISHED)
                .tags("stage", "training", "outcome", outcome, "code", code)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void whileEveryWorkerIsBusyRecordsOfOtherPartitionsWaitOnTheBroker() {
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(1, (id, control) -> {
            ran.add(id);
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "done";
        });
        send(P0, "first");
        send(P1, "second");
        stage.runOnce();
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.size() == 1);
        for (int i = 0; i < 10; i++) {
            stage.runOnce();
        }
        assertThat(ran).as("one job at a time").hasSize(1);
        assertThat(consumer.paused()).contains(P0, P1);
        assertThat(committedOffsets()).isEmpty();

        release.countDown();
        turnUntil(() -> committedOffsets().size() == 1);
        assertThat(consumer.paused()).isEmpty();
        // the waiting record was left at its offset: the broker hands it over again (the mock needs telling)
        String waiting = ran.get(0).equals("first") ? "second" : "first";
        consumer.addRecord(new ConsumerRecord<>(
                INPUT,
                waiting.equals("first") ? 0 : 1,
                waiting.equals("first") ? 0 : 1,
                waiting,
                waiting.getBytes(StandardCharsets.UTF_8)));
        turnUntil(() -> committedOffsets().size() == 2);
        assertThat(ran).containsExactlyInAnyOrder("first", "second");
    }

    @Test
    void anInvalidRecordIsAnsweredAtOnceWithItsOffset() {
        start(1, (id, control) -> "never");
        send(P0, "bad-one");
        send(P0, "junk");
        turnUntil(() -> committedOffsets().size() == 2);

        assertThat(committedOffsets())
                .containsExactly(Map.of(P0, new OffsetAndMetadata(1)), Map.of(P0, new OffsetAndMetadata(2)));
        List<ProducerRecord<String, byte[]>> out = published();
        assertThat(out)
                .extracting(ProducerRecord::topic)
                .containsExactly(Topics.PIPELINE_FAILED, Topics.DEAD_LETTER, Topics.PIPELINE_FAILED);
        PipelineFailed refused =
                Json.read(new String(out.get(0).value(), StandardCharsets.UTF_8), PipelineFailed.class);
        assertThat(refused.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(refused.error().message()).contains("lora.r must be a positive integer");
        assertThat(new String(out.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("junk");
        assertThat(header(out.get(1), "lora_original_topic")).isEqualTo(INPUT);
        assertThat(registry.find("bad-one").orElseThrow().state()).isEqualTo(JobState.FAILED);
        assertThat(finished("failed", ErrorCodes.INVALID_REQUEST)).isEqualTo(1);
        assertThat(finished("failed", ErrorCodes.NOT_JSON)).isEqualTo(1);
        assertThat(meters.get(StageMetrics.ACCEPTED).counter().count())
                .as("refused at the door: never a job")
                .isZero();
    }

    @Test
    void aRevokedPartitionStopsItsJobAndLeavesTheOffsetForTheNextOwner() {
        CountDownLatch running = new CountDownLatch(1);
        start(1, (id, control) -> {
            running.countDown();
            while (true) {
                control.throwIfStopped(); // a step boundary
                Thread.onSpinWait();
            }
        });
        send(P0, "long-run");
        stage.runOnce();
        await().atMost(Duration.ofSeconds(5)).until(() -> running.getCount() == 0);

        consumer.rebalance(List.of(P1)); // P0 goes to another replica
        for (int i = 0; i < 5; i++) {
            stage.runOnce();
        }
        assertThat(committedOffsets()).isEmpty();
        assertThat(published()).isEmpty();
        assertThat(registry.find("long-run"))
                .as("released: the record may come back here")
                .isEmpty();
    }

    @Test
    void aShutdownStopsTheJobWithoutAnOutcome() {
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean sawStop = new AtomicBoolean();
        start(1, (id, control) -> {
            running.countDown();
            while (!control.stopRequested()) {
                Thread.onSpinWait();
            }
            sawStop.set(true);
            throw new JobStoppedException("checkpoint written");
        });
        send(P0, "interrupted");
        stage.runOnce();
        await().atMost(Duration.ofSeconds(5)).until(() -> running.getCount() == 0);
        stage.shutdown();
        assertThat(sawStop).isTrue();
        assertThat(committedOffsets()).isEmpty();
        assertThat(published()).isEmpty();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void everyThrowableEndsTheJobWithExactlyOneFailure() {
        start(1, (id, control) -> {
            switch (id) {
                case "oom" -> throw new OutOfMemoryError("Java heap space");
                case "deep" -> throw new StackOverflowError();
                default -> throw new NoClassDefFoundError("ai/djl/Missing");
            }
        });
        for (String id : List.of("oom", "deep", "bug")) {
            int before = committedOffsets().size();
            send(P0, id);
            turnUntil(() -> committedOffsets().size() == before + 1);
        }
        List<PipelineFailed> failures = published().stream()
                .map(r -> Json.read(new String(r.value(), StandardCharsets.UTF_8), PipelineFailed.class))
                .toList();
        assertThat(failures).extracting(PipelineFailed::requestId).containsExactly("oom", "deep", "bug");
        assertThat(failures.get(0).error().message()).contains("out of memory", "training.microBatchSize", "nf4");
        assertThat(failures.get(0).retriable()).isFalse();
        assertThat(failures.get(1).error().message()).contains("stack");
        assertThat(failures.get(2).error().code()).isEqualTo(ErrorCodes.INTERNAL);
        assertThat(failures.get(2).retriable()).isTrue();
        assertThat(failures.get(0).request())
                .as("the request travels with the failure")
                .isNotNull();
        assertThat(fatal).as("an OOM marks the replica for restart").isTrue();
        assertThat(finished("failed", ErrorCodes.INTERNAL)).isEqualTo(3);
        assertThat(meters.get(StageMetrics.DURATION)
                        .tags("outcome", "failed")
                        .timer()
                        .count())
                .isEqualTo(3);
    }

    @Test
    void aJobPastItsTimeLimitStopsAtItsNextBoundaryAndFailsNamingTheSetting() {
        jobTime = Duration.ofMillis(300);
        AtomicInteger boundaries = new AtomicInteger();
        start(1, (id, control) -> {
            while (!control.stopRequested()) { // a trainer's step loop: it checkpoints, then leaves
                boundaries.incrementAndGet();
                Thread.onSpinWait();
            }
            throw new IllegalStateException("training stopped after a checkpoint");
        });
        send(P0, "endless");
        turnUntil(() -> !committedOffsets().isEmpty());

        assertThat(committedOffsets())
                .as("answered, not left for another replica to run for ever")
                .containsExactly(Map.of(P0, new OffsetAndMetadata(1)));
        assertThat(published()).hasSize(1);
        PipelineFailed failed =
                Json.read(new String(published().get(0).value(), StandardCharsets.UTF_8), PipelineFailed.class);
        assertThat(failed.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(failed.error().message()).contains("lora.limits.job-time", "PT0.3S", "training.maxSteps");
        assertThat(failed.retriable()).isFalse();
        assertThat(boundaries.get()).isPositive();
        assertThat(registry.find("endless").orElseThrow().state()).isEqualTo(JobState.FAILED);
    }

    @Test
    void aRecordOverTheRequestSizeLimitIsRefusedUnreadAndNotCopied() {
        start(1, (id, control) -> "never");
        String huge = "x".repeat(InboundGate.DEFAULT_REQUEST_BYTES + 1);
        consumer.addRecord(new ConsumerRecord<>(INPUT, 0, offset++, "big-one", huge.getBytes(StandardCharsets.UTF_8)));
        turnUntil(() -> !committedOffsets().isEmpty());

        assertThat(published())
                .as("one failure and no dead letter as large as the record")
                .extracting(ProducerRecord::topic)
                .containsExactly(Topics.PIPELINE_FAILED);
        PipelineFailed refused =
                Json.read(new String(published().get(0).value(), StandardCharsets.UTF_8), PipelineFailed.class);
        assertThat(refused.requestId()).isEqualTo("big-one");
        assertThat(refused.error().code()).isEqualTo(ErrorCodes.INVALID_REQUEST);
        assertThat(refused.error().message()).contains("lora.limits.request-bytes", "262145 bytes");
    }

    @Test
    void aHostileKeyIsCutAndMadePrintableInTheAnswer() {
        start(1, (id, control) -> "never");
        String key = "line\nbreak" + "k".repeat(100_000);
        consumer.addRecord(new ConsumerRecord<>(INPUT, 0, offset++, key, "junk".getBytes(StandardCharsets.UTF_8)));
        turnUntil(() -> !committedOffsets().isEmpty());

        assertThat(published()).extracting(ProducerRecord::key).allSatisfy(k -> {
            assertThat(k)
                    .hasSize(org.lorapipe.contract.RecordKeys.MAX_CHARS)
                    .startsWith("line?break")
                    .doesNotContain("\n");
        });
        assertThat(header(published().get(1), "ce_id")).hasSizeLessThan(400);
    }

    @Test
    void anIdlePartitionsOffsetMovesPastTheMarkerAfterItsLastRecord() {
        idleCommitInterval = Duration.ZERO;
        start(1, (id, control) -> "done");
        send(P0, "last-one");
        turnUntil(() -> !committedOffsets().isEmpty());
        assertThat(committedOffsets().get(0)).isEqualTo(Map.of(P0, new OffsetAndMetadata(1)));
        // the broker's commit marker sits at offset 1: the consumer's position moves past it
        consumer.seek(P0, 2);
        turnUntil(() -> committedOffsets().contains(Map.of(P0, new OffsetAndMetadata(2))));
        int commits = committedOffsets().size();
        for (int i = 0; i < 5; i++) {
            stage.runOnce();
        }
        assertThat(committedOffsets()).as("nothing more while nothing moves").hasSize(commits);
    }

    @Test
    void storageThatDoesNotAnswerIsRetriedHereBeforeItFails() {
        AtomicInteger attempts = new AtomicInteger();
        start(1, (id, control) -> {
            if (attempts.incrementAndGet() < 3) {
                throw new StorageException(StorageException.Kind.UNAVAILABLE, null, "connection refused");
            }
            return "done after " + attempts.get();
        });
        send(P0, "flaky-storage");
        turnUntil(() -> !committedOffsets().isEmpty());
        assertThat(published()).extracting(ProducerRecord::topic).containsExactly(Topics.ADAPTER_TRAINED);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void anOutcomeThatCannotBeCommittedIsTriedAgainAndCommittedOnce() {
        start(1, (id, control) -> "done");
        producer().commitTransactionException = new KafkaException("broker not available");
        send(P0, "broker-away");
        turnUntil(() -> producer().transactionAborted());
        assertThat(committedOffsets()).isEmpty();

        producer().commitTransactionException = null; // the broker is back
        turnUntil(() -> !committedOffsets().isEmpty());
        assertThat(published()).hasSize(1);
        assertThat(registry.find("broker-away").orElseThrow().state()).isEqualTo(JobState.DONE);
    }

    @Test
    void aRequestDeliveredAgainAfterItsOutcomeIsAcknowledgedWithoutARepeat() {
        AtomicInteger runs = new AtomicInteger();
        start(1, (id, control) -> "run " + runs.incrementAndGet());
        send(P0, "twice");
        turnUntil(() -> committedOffsets().size() == 1);
        send(P0, "twice");
        turnUntil(() -> committedOffsets().size() == 2);
        assertThat(runs).hasValue(1);
        assertThat(published()).hasSize(1);
    }

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SENDER_SPAN = "00f067aa0ba902b7";

    @Test
    void aJobRunsInASpanUnderTheRecordsTraceAndItsOutcomeCarriesThatSpan() {
        RecordingSpans spans = new RecordingSpans();
        tracer = spans.tracer();
        JobSpans steps = new JobSpans(tracer);
        start(1, (id, control) -> steps.call("download", () -> "done " + id));
        send(P0, "run-1", "00-" + TRACE + "-" + SENDER_SPAN + "-01");
        turnUntil(() -> !committedOffsets().isEmpty());

        SpanData job = spans.finished().stream()
                .filter(s -> s.getKind() == SpanKind.CONSUMER)
                .findFirst()
                .orElseThrow();
        assertThat(job.getName()).isEqualTo("process " + INPUT);
        assertThat(job.getTraceId()).isEqualTo(TRACE);
        assertThat(job.getParentSpanId()).isEqualTo(SENDER_SPAN);
        assertThat(job.getAttributes().get(JobSpans.REQUEST_ID)).isEqualTo("run-1");
        assertThat(job.getAttributes().get(JobSpans.OUTCOME)).isEqualTo("done");
        SpanData download = spans.finished().stream()
                .filter(s -> s.getName().equals("download"))
                .findFirst()
                .orElseThrow();
        assertThat(download.getParentSpanId()).isEqualTo(job.getSpanId());
        assertThat(header(published().get(0), TraceHeaders.TRACEPARENT))
                .as("the next stage's parent is this job")
                .isEqualTo("00-" + TRACE + "-" + job.getSpanId() + "-01");
    }

    @Test
    void aRecordWithoutATraceStartsOneAndAFailureCarriesIt() {
        RecordingSpans spans = new RecordingSpans();
        tracer = spans.tracer();
        start(1, (id, control) -> {
            throw new IllegalStateException("broken");
        });
        send(P0, "run-1");
        turnUntil(() -> !committedOffsets().isEmpty());

        SpanData job = spans.finished().get(0);
        assertThat(job.getParentSpanContext().isValid())
                .as("a root: a new trace")
                .isFalse();
        assertThat(job.getStatus().getStatusCode()).isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
        assertThat(job.getAttributes().get(JobSpans.OUTCOME)).isEqualTo("failed");
        assertThat(published().get(0).topic()).isEqualTo(Topics.PIPELINE_FAILED);
        assertThat(header(published().get(0), TraceHeaders.TRACEPARENT))
                .isEqualTo("00-" + job.getTraceId() + "-" + job.getSpanId() + "-01");
    }

    @Test
    void aMalformedTraceparentStartsANewTraceAndTheJobStillRuns() {
        RecordingSpans spans = new RecordingSpans();
        tracer = spans.tracer();
        start(1, (id, control) -> "done " + id);
        send(P0, "run-1", "00-" + TRACE + "-zzzz-01");
        turnUntil(() -> !committedOffsets().isEmpty());

        assertThat(published().get(0).topic()).isEqualTo(Topics.ADAPTER_TRAINED);
        SpanData job = spans.finished().get(0);
        assertThat(job.getParentSpanContext().isValid()).isFalse();
        assertThat(job.getTraceId()).isNotEqualTo(TRACE);
    }

    @Test
    void withoutSpansOfItsOwnTheRecordsTracePassesThrough() {
        start(1, (id, control) -> "done " + id); // the no-op tracer: tracing is off in this service
        send(P0, "run-1", "00-" + TRACE + "-" + SENDER_SPAN + "-01");
        turnUntil(() -> !committedOffsets().isEmpty());
        assertThat(header(published().get(0), TraceHeaders.TRACEPARENT))
                .isEqualTo("00-" + TRACE + "-" + SENDER_SPAN + "-01");
    }

    @Test
    void aRefusedRecordsAnswerJoinsTheSendersTrace() {
        start(1, (id, control) -> "done " + id);
        send(P0, "bad-1", "00-" + TRACE + "-" + SENDER_SPAN + "-01");
        turnUntil(() -> !committedOffsets().isEmpty());
        assertThat(published().get(0).topic()).isEqualTo(Topics.PIPELINE_FAILED);
        assertThat(header(published().get(0), TraceHeaders.TRACEPARENT))
                .isEqualTo("00-" + TRACE + "-" + SENDER_SPAN + "-01");
    }
}
