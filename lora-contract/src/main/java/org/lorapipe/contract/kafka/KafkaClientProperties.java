package org.lorapipe.contract.kafka;

import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * The Kafka client properties every client of the pipeline adds to its own settings: where the broker
 * is and how to reach it safely ({@code bootstrap.servers}, {@code security.protocol},
 * {@code sasl.mechanism}, {@code sasl.jaas.config}, {@code ssl.truststore.location}, ...). Any client
 * property may be given; nothing here knows a fixed list.
 *
 * <p>Services read them from their {@code kafka.*} configuration (the same properties SmallRye Reactive
 * Messaging uses), the {@code lora} command from {@code -X key=value}, {@code --kafka-config FILE} and
 * {@code KAFKA_*} variables. {@link #toString()} masks every secret (see {@link #isSecret}), so the
 * properties can be logged.
 *
 * @param values property name to value, in name order
 */
public record KafkaClientProperties(Map<String, String> values) {

    /** What {@link #toString()} prints instead of a secret. */
    public static final String MASK = "***";

    public KafkaClientProperties {
        values = Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public static KafkaClientProperties empty() {
        return new KafkaClientProperties(Map.of());
    }

    /** These properties with {@code overrides} on top (an override wins over a value of this one). */
    public KafkaClientProperties with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        merged.putAll(overrides);
        return new KafkaClientProperties(merged);
    }

    /** {@code bootstrap.servers}, or null when not set. */
    public String bootstrapServers() {
        return values.get("bootstrap.servers");
    }

    /**
     * True for a property whose value must never be printed: passwords ({@code ssl.key.password},
     * {@code ssl.truststore.password}), JAAS configurations (they hold the SASL password), private keys
     * ({@code ssl.keystore.key}), secrets, tokens and credentials. Decided by the name, so it also covers
     * properties of plug-ins this code has never heard of.
     */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password")
                || n.contains("jaas")
                || n.contains("secret")
                || n.contains("token")
                || n.contains("credential")
                || n.endsWith(".key")
                || n.endsWith(".keys");
    }

    /** {@code name=value, ...} in name order with every secret value replaced by {@value #MASK}. */
    public static String masked(Map<String, ?> properties) {
        StringJoiner out = new StringJoiner(", ", "{", "}");
        new TreeMap<>(properties)
                .forEach((k, v) -> out.add(k + "=" + (isSecret(String.valueOf(k)) ? MASK : String.valueOf(v))));
        return out.toString();
    }

    /** Masks secrets: safe to log. */
    @Override
    public String toString() {
        return masked(values);
    }
}
