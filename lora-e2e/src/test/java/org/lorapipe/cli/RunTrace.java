package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.contract.Topics;
import org.lorapipe.contract.json.Json;

/**
 * The trace of one run, read from the JSON lines the services append to {@code lora.tracing.file}
 * ({@code SpanFile}): the four stages' job spans share one trace id, each stage's job is the child of the
 * previous stage's (the context travelled in the Kafka headers), and each job has its steps as children
 * (downloads, curation, the epochs, the evaluation tasks, merge, uploads).
 */
final class RunTrace {
    /** The service properties that turn the file exporter on, with a short batch delay. */
    static List<String> serviceProperties(Path file) {
        return List.of("lora.tracing.file=" + file, "quarkus.otel.bsp.schedule.delay=PT0.2S");
    }

    record SpanLine(
            String traceId,
            String spanId,
            String parentSpanId,
            String name,
            String kind,
            String service,
            JsonNode attributes) {
        String attribute(String key) {
            JsonNode v = attributes.get(key);
            return v == null ? null : v.asText();
        }
    }

    /** The job span of each stage, in pipeline order: its input topic and the service that runs it. */
    private static final List<Map.Entry<String, String>> STAGES = List.of(
            Map.entry(Topics.TRAINING_REQUESTED, "dataset-service"),
            Map.entry(Topics.DATASET_PREPARED, "trainer-service"),
            Map.entry(Topics.ADAPTER_TRAINED, "eval-service"),
            Map.entry(Topics.EVALUATION_COMPLETED, "merge-service"));

    private RunTrace() {}

    /** Waits for the merge stage's job span of {@code requestId} (spans are exported in batches), then checks the trace. */
    static void verify(Path file, String requestId, String submittedTrace, PrintStream out)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<SpanLine> spans = read(file);
        while (job(spans, requestId, STAGES.get(3).getKey()).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
            spans = read(file);
        }
        List<SpanLine> jobs = new ArrayList<>();
        for (Map.Entry<String, String> stage : STAGES) {
            SpanLine job = job(spans, requestId, stage.getKey())
                    .orElseThrow(() ->
                            new AssertionError("no span of " + stage.getValue() + " for " + requestId + " in " + file));
            assertThat(job.service()).isEqualTo(stage.getValue());
            assertThat(job.kind()).isEqualTo("CONSUMER");
            assertThat(job.attribute("lora.outcome")).isEqualTo("done");
            jobs.add(job);
        }
        String trace = jobs.get(0).traceId();
        assertThat(trace).as("the trace the request was submitted with").isEqualTo(submittedTrace);
        assertThat(jobs).as("one trace across the four stages").allSatisfy(j -> assertThat(j.traceId())
                .isEqualTo(trace));
        for (int i = 1; i < jobs.size(); i++) {
            assertThat(jobs.get(i).parentSpanId())
                    .as(
                            "%s's job is the child of %s's",
                            jobs.get(i).service(), jobs.get(i - 1).service())
                    .isEqualTo(jobs.get(i - 1).spanId());
        }
        List<SpanLine> inTrace =
                spans.stream().filter(s -> s.traceId().equals(trace)).toList();
        print(inTrace, jobs, trace, out);
        assertThat(children(inTrace, jobs.get(0)))
                .containsExactlyInAnyOrder("download tokenizer", "curate and tokenize", "upload dataset");
        List<String> training = children(inTrace, jobs.get(1));
        assertThat(training)
                .contains("download base model", "download dataset", "train epoch", "validate", "upload adapter");
        List<String> epochs = inTrace.stream()
                .filter(s -> s.parentSpanId().equals(jobs.get(1).spanId())
                        && s.name().equals("train epoch"))
                .map(s -> s.attribute("lora.epoch"))
                .toList();
        assertThat(epochs).as("one span per epoch, numbered from 1").startsWith("1", "2");
        List<String> evaluation = children(inTrace, jobs.get(2));
        assertThat(evaluation).contains("download inputs", "evaluate task", "upload report");
        assertThat(inTrace.stream()
                        .filter(s -> s.parentSpanId().equals(jobs.get(2).spanId())
                                && s.name().equals("evaluate task"))
                        .map(s -> s.attribute("lora.eval.model") + " " + s.attribute("lora.eval.task")))
                .as("each task on each model")
                .contains("base held-out-pairings", "tuned held-out-pairings");
        assertThat(children(inTrace, jobs.get(3)))
                .contains("download base model", "download adapter", "merge", "verify merge", "upload merged model");
    }

    /** The job spans of the run and the steps under each, as the test's output shows them. */
    private static void print(List<SpanLine> spans, List<SpanLine> jobs, String trace, PrintStream out) {
        out.printf("trace %s (%d spans):%n", trace, spans.size());
        for (SpanLine job : jobs) {
            out.printf("  %s  %s%n", job.service(), job.name());
            Map<String, Integer> steps = new java.util.LinkedHashMap<>();
            children(spans, job).forEach(name -> steps.merge(name, 1, Integer::sum));
            out.printf(
                    "      %s%n",
                    String.join(
                            ", ",
                            steps.entrySet().stream()
                                    .map(e -> e.getValue() == 1 ? e.getKey() : e.getKey() + " x" + e.getValue())
                                    .toList()));
        }
    }

    /** The names of a job's steps: its children but the next stage's job. */
    private static List<String> children(List<SpanLine> spans, SpanLine parent) {
        return spans.stream()
                .filter(s ->
                        s.parentSpanId().equals(parent.spanId()) && !s.kind().equals("CONSUMER"))
                .map(SpanLine::name)
                .toList();
    }

    private static Optional<SpanLine> job(List<SpanLine> spans, String requestId, String topic) {
        return spans.stream()
                .filter(s -> s.name().equals("process " + topic) && requestId.equals(s.attribute("lora.request_id")))
                .reduce((a, b) -> b);
    }

    static List<SpanLine> read(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<SpanLine> out = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.mapper().readTree(line);
                out.add(new SpanLine(
                        n.path("traceId").asText(),
                        n.path("spanId").asText(),
                        n.path("parentSpanId").asText(),
                        n.path("name").asText(),
                        n.path("kind").asText(),
                        n.path("service").asText(),
                        n.path("attributes")));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
