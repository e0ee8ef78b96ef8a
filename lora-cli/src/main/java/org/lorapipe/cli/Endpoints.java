package org.lorapipe.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the broker and object storage are, and how to log in to the broker; defaults are the embedded
 * stack of {@code lora stack up}. The Kafka options become one {@link KafkaConnection}.
 */
public final class Endpoints {
    @Option(
            names = "--bootstrap-server",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or "
                    + KafkaConnection.DEFAULT_BOOTSTRAP + ").")
    String bootstrap;

    @Option(
            names = "-X",
            paramLabel = "KEY=VALUE",
            description = {
                "A Kafka client property, repeatable, like kcat's -X: -X security.protocol=SASL_SSL"
                        + " -X sasl.mechanism=SCRAM-SHA-512 -X ssl.truststore.location=ca.p12. Wins over"
                        + " --kafka-config and the variables. Keep passwords out of the command line (ps"
                        + " shows it): put sasl.jaas.config in --kafka-config or $KAFKA_SASL_JAAS_CONFIG.",
            })
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "A Java properties file of Kafka client properties (default: $"
                    + KafkaConnection.CONFIG_FILE_VARIABLE + "). Variables KAFKA_<PROPERTY> (e.g."
                    + " KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG,"
                    + " KAFKA_SSL_TRUSTSTORE_LOCATION) set any client property too, below this file.")
    Path kafkaConfig;

    @Option(
            names = "--bucket",
            paramLabel = "NAME",
            description = "The pipeline's bucket (default: $S3_BUCKET or lora).")
    String bucket;

    /** The Kafka connection from the options and the environment. */
    public KafkaConnection kafka() {
        return KafkaConnection.resolve(bootstrap, kafkaProperties, kafkaConfig, System.getenv());
    }

    public String bucket() {
        return firstNonBlank(bucket, System.getenv("S3_BUCKET"), "lora");
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
