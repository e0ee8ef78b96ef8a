package org.lorapipe.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The trace context through Kafka headers: carried when valid, ignored (never fatal) when not. */
class TraceHeadersTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String SPAN = "00f067aa0ba902b7";
    private static final String VALID = "00-" + TRACE + "-" + SPAN + "-01";

    private final RecordingSpans spans = new RecordingSpans();

    private static Headers headers(String name, byte[] value) {
        RecordHeaders h = new RecordHeaders();
        h.add(name, value);
        return h;
    }

    private static Headers traceparent(String value) {
        return headers(TraceHeaders.TRACEPARENT, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void injectThenExtractGivesTheSameTraceAndTheSenderAsParent() {
        Span sender = spans.tracer().spanBuilder("sender").startSpan();
        Headers headers = new RecordHeaders();
        TraceHeaders.put(headers, Context.root().with(sender));
        sender.end();

        SpanContext extracted = Span.fromContext(TraceHeaders.extract(headers)).getSpanContext();
        assertThat(extracted.isValid()).isTrue();
        assertThat(extracted.isRemote()).isTrue();
        assertThat(extracted.getTraceId()).isEqualTo(sender.getSpanContext().getTraceId());
        assertThat(extracted.getSpanId()).isEqualTo(sender.getSpanContext().getSpanId());

        Span receiver = spans.tracer()
                .spanBuilder("receiver")
                .setParent(TraceHeaders.extract(headers))
                .startSpan();
        receiver.end();
        SpanData done = spans.finished().get(1);
        assertThat(done.getTraceId()).isEqualTo(sender.getSpanContext().getTraceId());
        assertThat(done.getParentSpanId()).isEqualTo(sender.getSpanContext().getSpanId());
    }

    @Test
    void aRecordWithoutHeadersStartsANewTrace() {
        Context parent = TraceHeaders.extract(new RecordHeaders());
        assertThat(Span.fromContext(parent).getSpanContext().isValid()).isFalse();
        Span first = spans.tracer().spanBuilder("job").setParent(parent).startSpan();
        Span second = spans.tracer().spanBuilder("job").setParent(parent).startSpan();
        assertThat(first.getSpanContext().isValid()).isTrue();
        assertThat(first.getSpanContext().getTraceId())
                .isNotEqualTo(second.getSpanContext().getTraceId());
        first.end();
        second.end();
        assertThat(spans.finished())
                .allSatisfy(s -> assertThat(s.getParentSpanContext().isValid()).isFalse());
    }

    @Test
    void malformedTraceHeadersAreIgnoredNotFatal() {
        List<Headers> hostile = new ArrayList<>();
        for (String bad : List.of(
                "",
                "garbage",
                "00-" + TRACE + "-" + SPAN, // no flags
                "00-00000000000000000000000000000000-" + SPAN + "-01", // all-zero trace id
                "00-" + TRACE + "-0000000000000000-01", // all-zero span id
                "ff-" + TRACE + "-" + SPAN + "-01", // the forbidden version
                "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01", // upper-case hex
                "00-" + TRACE + "-" + SPAN + "-01-extra", // version 00 has exactly four fields
                "00-" + TRACE.substring(1) + "z-" + SPAN + "-01", // not hex
                "00-" + TRACE + "-" + SPAN + "-01" + "x".repeat(TraceHeaders.MAX_HEADER_BYTES))) {
            hostile.add(traceparent(bad));
        }
        hostile.add(headers(TraceHeaders.TRACEPARENT, null));
        hostile.add(headers(TraceHeaders.TRACEPARENT, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1})); // not UTF-8
        for (Headers h : hostile) {
            Context parent = TraceHeaders.extract(h);
            assertThat(Span.fromContext(parent).getSpanContext().isValid())
                    .as("%s", h)
                    .isFalse();
            assertThat(TraceHeaders.of(parent)).isEmpty();
        }
    }

    @Test
    void aValidTraceparentWithAHostileTracestateKeepsTheTrace() {
        Headers h = traceparent(VALID);
        h.add(TraceHeaders.TRACESTATE, "=,=,\u0000".getBytes(StandardCharsets.UTF_8));
        SpanContext c = Span.fromContext(TraceHeaders.extract(h)).getSpanContext();
        assertThat(c.getTraceId()).isEqualTo(TRACE);
        assertThat(c.getSpanId()).isEqualTo(SPAN);
    }

    @Test
    void theTracestateTravelsWithTheTrace() {
        Headers h = traceparent(VALID);
        h.add(TraceHeaders.TRACESTATE, "vendor=abc,other=1".getBytes(StandardCharsets.UTF_8));
        Headers next = new RecordHeaders();
        TraceHeaders.put(next, TraceHeaders.extract(h));
        assertThat(new String(next.lastHeader(TraceHeaders.TRACEPARENT).value(), StandardCharsets.UTF_8))
                .isEqualTo(VALID);
        assertThat(new String(next.lastHeader(TraceHeaders.TRACESTATE).value(), StandardCharsets.UTF_8))
                .isEqualTo("vendor=abc,other=1");
    }
}
