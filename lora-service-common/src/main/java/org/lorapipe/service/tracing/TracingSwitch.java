package org.lorapipe.service.tracing;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns the OpenTelemetry SDK on exactly when traces have somewhere to go: an OTLP endpoint
 * ({@code quarkus.otel.exporter.otlp.endpoint} or {@code .traces.endpoint}, e.g.
 * {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317}) or {@code lora.tracing.file}.
 * Otherwise {@code quarkus.otel.sdk.disabled=true}: no span is kept and nothing tries to reach a
 * collector that is not there (the embedded stack, the tests). An explicit
 * {@code quarkus.otel.sdk.disabled} (environment, system property, application.properties) still wins:
 * this source's ordinal is below theirs. Only values a user gave count: the OTLP extension gives
 * {@code quarkus.otel.exporter.otlp.endpoint} a default ({@code http://localhost:4317}) in a source of
 * the lowest ordinal, which must not turn traces on. Registered in META-INF/services.
 */
public class TracingSwitch implements ConfigSourceFactory {
    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final List<String> DESTINATIONS = List.of(
            "quarkus.otel.exporter.otlp.endpoint", "quarkus.otel.exporter.otlp.traces.endpoint", "lora.tracing.file");

    /** The lowest ordinal of a source a user writes: META-INF/microprofile-config.properties. */
    static final int USER_ORDINAL = 100;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean on = DESTINATIONS.stream().map(context::getValue).anyMatch(TracingSwitch::set);
        return List.of(new PropertiesConfigSource(Map.of(SDK_DISABLED, String.valueOf(!on)), "lora.tracing", 200));
    }

    private static boolean set(ConfigValue v) {
        return v != null
                && v.getValue() != null
                && !v.getValue().isBlank()
                && v.getConfigSourceOrdinal() >= USER_ORDINAL;
    }
}
