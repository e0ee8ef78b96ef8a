package org.lorapipe.cli;

import picocli.CommandLine.Option;

/** Where the broker and object storage are; defaults are the embedded stack of {@code lora stack up}. */
public final class Endpoints {
    @Option(
            names = "--bootstrap-server",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092).")
    String bootstrap;

    @Option(
            names = "--bucket",
            paramLabel = "NAME",
            description = "The pipeline's bucket (default: $S3_BUCKET or lora).")
    String bucket;

    public String bootstrap() {
        return firstNonBlank(bootstrap, System.getenv("KAFKA_BOOTSTRAP_SERVERS"), "127.0.0.1:9092");
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
