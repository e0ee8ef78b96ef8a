package org.lorapipe.devstack;

import java.util.Map;

/**
 * What a stage service needs to find the stack: the Kafka bootstrap servers and the S3 endpoint,
 * credentials and bucket, passed as the environment variables the services' configuration reads
 * ({@code application.properties}: KAFKA_BOOTSTRAP_SERVERS, S3_*).
 */
public record StackEnvironment(
        String bootstrapServers, String s3Endpoint, String accessKey, String secretKey, String bucket) {

    /** Puts the stack's variables, and DJL's offline switch (no model hub here), into {@code env}. */
    public void applyTo(Map<String, String> env) {
        env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        env.put("S3_ENDPOINT", s3Endpoint);
        env.put("S3_ACCESS_KEY", accessKey);
        env.put("S3_SECRET_KEY", secretKey);
        env.put("S3_BUCKET", bucket);
        env.put("DJL_OFFLINE", "true");
    }
}
