package org.lorapipe.service.tracing;

import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The W3C trace context of a record ({@code traceparent}, {@code tracestate}) in its Kafka headers, so one
 * request's stages share one trace: a stage injects its job's context into the events it publishes and
 * the next stage extracts it as the parent of its own job.
 *
 * <p>Every header is untrusted input: a missing, oversized or malformed {@code traceparent} is ignored
 * (the job then starts a trace of its own), never an error. Uses the W3C propagator itself rather than
 * the SDK's, so the context passes through a stage whose tracing is off.
 */
public final class TraceHeaders {
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    /** A traceparent is 55 characters; the W3C limit of tracestate is 32 members of at most 256 each. */
    static final int MAX_HEADER_BYTES = 8192;

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

    private static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return List.of(TRACEPARENT, TRACESTATE);
        }

        @Override
        public String get(Headers headers, String key) {
            if (headers == null || key == null) {
                return null;
            }
            Header h = headers.lastHeader(key);
            if (h == null || h.value() == null || h.value().length > MAX_HEADER_BYTES) {
                return null;
            }
            return new String(h.value(), StandardCharsets.UTF_8);
        }
    };

    private TraceHeaders() {}

    /**
     * The remote parent a record's headers name, or {@link Context#root()} when they name none (or
     * nothing valid): a span started under it begins a new trace.
     */
    public static Context extract(Headers headers) {
        try {
            return W3C.extract(Context.root(), headers, GETTER);
        } catch (RuntimeException e) {
            return Context.root(); // whatever a forged header does to the parser, it does not stop the job
        }
    }

    /** The headers that carry {@code context} to the next stage: none when it holds no valid span. */
    public static Map<String, String> of(Context context) {
        Map<String, String> headers = new LinkedHashMap<>();
        W3C.inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
        return headers;
    }

    /** Replaces any trace headers of {@code headers} with those of {@code context}. */
    public static void put(Headers headers, Context context) {
        headers.remove(TRACEPARENT);
        headers.remove(TRACESTATE);
        of(context).forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    }
}
