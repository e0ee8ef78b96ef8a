package org.lorapipe.service.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.lookup.LookupUnlessProperty;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.lorapipe.contract.json.Json;

/**
 * Appends finished spans to {@code lora.tracing.file}, one JSON object a line: {@code traceId},
 * {@code spanId}, {@code parentSpanId} (empty for a root), {@code name}, {@code kind}, {@code service},
 * {@code startNanos}, {@code endNanos} (epoch nanoseconds), {@code status} and {@code attributes}. Each
 * batch is one append, so the services of one host may share a file.
 *
 * <p>A CDI {@link SpanExporter}: Quarkus batches spans into it, and while it exists Quarkus sends none
 * to OTLP. It exists only when the file is set.
 */
@Singleton // no client proxy: created where the SDK is built, not lazily on its export thread
@LookupUnlessProperty(name = "lora.tracing.file", stringValue = "", lookupIfMissing = false)
public class SpanFile implements SpanExporter {
    private static final Logger LOG = Logger.getLogger(SpanFile.class);
    private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("service.name");

    private final Path file;
    private volatile boolean warned;

    @Inject
    public SpanFile(TracingConfig config) {
        this(config.file().orElseThrow());
    }

    public SpanFile(Path file) {
        this.file = file.toAbsolutePath();
        LOG.infof("traces: finished spans are appended to %s", this.file);
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        StringBuilder lines = new StringBuilder();
        for (SpanData span : spans) {
            lines.append(line(span)).append('\n');
        }
        try {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(
                    file,
                    lines.toString().getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            return CompletableResultCode.ofSuccess();
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warnf("cannot append spans to %s (%s): check lora.tracing.file", file, e.toString());
            }
            return CompletableResultCode.ofFailure();
        }
    }

    /** One span as a JSON line. */
    static String line(SpanData span) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("traceId", span.getTraceId());
        out.put("spanId", span.getSpanId());
        out.put("parentSpanId", span.getParentSpanContext().isValid() ? span.getParentSpanId() : "");
        out.put("name", span.getName());
        out.put("kind", span.getKind().name());
        out.put("service", span.getResource().getAttribute(SERVICE));
        out.put("startNanos", span.getStartEpochNanos());
        out.put("endNanos", span.getEndEpochNanos());
        out.put("status", span.getStatus().getStatusCode().name());
        Map<String, Object> attributes = new LinkedHashMap<>();
        span.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), v));
        out.put("attributes", attributes);
        return Json.write(out);
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
