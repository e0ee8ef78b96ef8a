package org.lorapipe.service.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;
import java.util.Iterator;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

/** The SDK is on exactly when spans have somewhere to go. */
class TracingSwitchTest {

    private static String sdkDisabled(Map<String, String> settings) {
        return sdkDisabled(settings, 300); // environment variables
    }

    private static String sdkDisabled(Map<String, String> settings, int ordinal) {
        ConfigSourceContext context = new ConfigSourceContext() {
            @Override
            public ConfigValue getValue(String name) {
                String v = settings.get(name);
                return v == null
                        ? null
                        : ConfigValue.builder()
                                .withName(name)
                                .withValue(v)
                                .withConfigSourceOrdinal(ordinal)
                                .build();
            }

            @Override
            public Iterator<String> iterateNames() {
                return settings.keySet().iterator();
            }
        };
        ConfigSource source =
                new TracingSwitch().getConfigSources(context).iterator().next();
        assertThat(source.getOrdinal()).as("below application.properties").isLessThan(250);
        return source.getValue(TracingSwitch.SDK_DISABLED);
    }

    @Test
    void offWithNowhereToSendSpans() {
        assertThat(sdkDisabled(Map.of())).isEqualTo("true");
        assertThat(sdkDisabled(Map.of("lora.tracing.file", " "))).isEqualTo("true");
        assertThat(sdkDisabled(
                        Map.of("quarkus.otel.exporter.otlp.endpoint", "http://localhost:4317"), Integer.MIN_VALUE))
                .as("the OTLP extension's own default endpoint is not a user's choice")
                .isEqualTo("true");
    }

    @Test
    void onWithAnOtlpEndpointOrAFile() {
        assertThat(sdkDisabled(Map.of("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317")))
                .isEqualTo("false");
        assertThat(sdkDisabled(Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318")))
                .isEqualTo("false");
        assertThat(sdkDisabled(Map.of("lora.tracing.file", "/tmp/spans.jsonl"))).isEqualTo("false");
    }
}
