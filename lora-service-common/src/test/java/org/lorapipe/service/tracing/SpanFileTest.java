package org.lorapipe.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lorapipe.contract.json.Json;

/** Finished spans as JSON lines, appended (two exporters may share one file). */
class SpanFileTest {
    @TempDir
    Path dir;

    @Test
    void eachFinishedSpanIsOneJsonLineWithItsParent() throws Exception {
        Path file = dir.resolve("traces/spans.jsonl");
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "trainer-service")))
                .addSpanProcessor(SimpleSpanProcessor.create(new SpanFile(file)))
                .build();
        Tracer tracer = provider.get(JobSpans.INSTRUMENTATION);
        Span job = tracer.spanBuilder("process lora.dataset.prepared")
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute(JobSpans.REQUEST_ID, "run-1")
                .startSpan();
        try (Scope s = job.makeCurrent()) {
            new JobSpans(tracer).run("train epoch", () -> {});
        }
        job.end();
        provider.close();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        JsonNode epoch = Json.mapper().readTree(lines.get(0));
        JsonNode root = Json.mapper().readTree(lines.get(1));
        assertThat(epoch.get("name").asText()).isEqualTo("train epoch");
        assertThat(epoch.get("parentSpanId").asText())
                .isEqualTo(root.get("spanId").asText());
        assertThat(epoch.get("traceId").asText()).isEqualTo(root.get("traceId").asText());
        assertThat(root.get("parentSpanId").asText()).isEmpty();
        assertThat(root.get("kind").asText()).isEqualTo("CONSUMER");
        assertThat(root.get("service").asText()).isEqualTo("trainer-service");
        assertThat(root.get("attributes").get("lora.request_id").asText()).isEqualTo("run-1");
        assertThat(root.get("endNanos").asLong())
                .isGreaterThanOrEqualTo(root.get("startNanos").asLong());
        assertThat(root.get("status").asText()).isEqualTo("UNSET");
    }

    @Test
    void aFailedStepIsMarkedAsAnErrorAndItsExceptionGoesOn() throws Exception {
        RecordingSpans spans = new RecordingSpans();
        JobSpans steps = new JobSpans(spans.tracer());
        java.io.IOException thrown = new java.io.IOException("no such bucket");
        try {
            steps.call("download dataset", () -> {
                throw thrown;
            });
        } catch (java.io.IOException e) {
            assertThat(e).isSameAs(thrown);
        }
        assertThat(spans.finished().get(0).getStatus().getStatusCode())
                .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
    }
}
