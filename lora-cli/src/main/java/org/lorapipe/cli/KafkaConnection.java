package org.lorapipe.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.lorapipe.contract.kafka.KafkaClientProperties;

/**
 * How the {@code lora} command reaches Kafka. Every Kafka client the command makes is made here, from one
 * set of client properties gathered, lowest precedence first, from:
 *
 * <ol>
 *   <li>{@code KAFKA_<NAME>} variables for every Kafka client property (the name upper-cased, dots as
 *       underscores: {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_MECHANISM},
 *       {@code KAFKA_SASL_JAAS_CONFIG}, {@code KAFKA_SSL_TRUSTSTORE_LOCATION}; the services read the same
 *       variables);
 *   <li>a Java properties file: {@code --kafka-config FILE}, else {@code $LORA_KAFKA_CONFIG};
 *   <li>{@code -X key=value} options, like kcat's;
 *   <li>{@code --bootstrap-server}.
 * </ol>
 *
 * A command's own settings (acks, timeouts, isolation level) are defaults that these properties may
 * override. Secrets are never printed: {@link #toString()} masks them.
 */
public final class KafkaConnection {
    /** Bootstrap servers when nothing says otherwise: the embedded stack of {@code lora stack up}. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    /** The variable naming a properties file, like {@code --kafka-config}. */
    public static final String CONFIG_FILE_VARIABLE = "LORA_KAFKA_CONFIG";

    private static final String PREFIX = "KAFKA_";

    private final KafkaClientProperties properties;

    private KafkaConnection(KafkaClientProperties properties) {
        this.properties = properties;
    }

    /** Only bootstrap servers, nothing from the environment: the embedded stack's own broker. */
    public static KafkaConnection plaintext(String bootstrapServers) {
        return new KafkaConnection(
                new KafkaClientProperties(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)));
    }

    /**
     * Gathers the properties in the order of the class comment.
     *
     * @param bootstrapOption {@code --bootstrap-server}, or null
     * @param x the {@code -X} options, or null
     * @param configFile {@code --kafka-config}, or null
     * @param env the environment ({@code System.getenv()} outside tests)
     * @throws UsageProblem when the properties file cannot be read
     */
    public static KafkaConnection resolve(
            String bootstrapOption, Map<String, String> x, Path configFile, Map<String, String> env) {
        Map<String, String> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        p.putAll(fromVariables(env));
        Path file = configFile != null ? configFile : pathOrNull(env.get(CONFIG_FILE_VARIABLE));
        if (file != null) {
            p.putAll(readFile(file, configFile != null ? "--kafka-config" : "$" + CONFIG_FILE_VARIABLE));
        }
        if (x != null) {
            x.forEach((k, v) -> p.put(k.trim(), v));
        }
        if (bootstrapOption != null && !bootstrapOption.isBlank()) {
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapOption);
        }
        return new KafkaConnection(new KafkaClientProperties(p));
    }

    public KafkaClientProperties properties() {
        return properties;
    }

    public String bootstrapServers() {
        return properties.bootstrapServers();
    }

    /** A producer of String keys and values with {@code defaults} under the connection's properties. */
    public KafkaProducer<String, String> producer(Map<String, String> defaults) {
        return new KafkaProducer<>(merge(defaults), new StringSerializer(), new StringSerializer());
    }

    /** A consumer of String keys and values with {@code defaults} under the connection's properties. */
    public KafkaConsumer<String, String> consumer(Map<String, String> defaults) {
        return new KafkaConsumer<>(merge(defaults), new StringDeserializer(), new StringDeserializer());
    }

    /** Masks secrets: safe to print. */
    @Override
    public String toString() {
        return properties.toString();
    }

    private Properties merge(Map<String, String> defaults) {
        Properties p = new Properties();
        p.putAll(defaults);
        p.putAll(properties.values());
        return p;
    }

    /**
     * {@code KAFKA_X_Y=v} becomes {@code x.y=v} when {@code x.y} is a property of Kafka's producer, consumer
     * or admin client; other {@code KAFKA_*} variables ({@code KAFKA_HOME}, {@code KAFKA_OPTS}) are not
     * client properties and are left alone.
     */
    static Map<String, String> fromVariables(Map<String, String> env) {
        Set<String> known = new TreeSet<>(ProducerConfig.configNames());
        known.addAll(ConsumerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        Map<String, String> p = new HashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(PREFIX) && value != null && !value.isBlank()) {
                String property =
                        name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                if (known.contains(property)) {
                    p.put(property, value);
                }
            }
        });
        return p;
    }

    private static Map<String, String> readFile(Path file, String origin) {
        Properties loaded = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(in);
        } catch (IOException e) {
            throw new UsageProblem("cannot read the Kafka client properties file " + file + " (" + origin + "): " + e
                    + "; give a Java properties file such as security.protocol=SASL_SSL");
        }
        Map<String, String> p = new HashMap<>();
        loaded.stringPropertyNames()
                .forEach(k -> p.put(k.trim(), loaded.getProperty(k).trim()));
        return p;
    }

    private static Path pathOrNull(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}
