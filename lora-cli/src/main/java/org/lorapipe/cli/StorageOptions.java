package org.lorapipe.cli;

import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine.Option;

/**
 * Where the object store is, for commands that read or write models in S3. Each setting comes from
 * its option, else the system property the services use ({@code lora.s3.*}), else the environment
 * ({@code S3_*}), else the embedded stack's default. Credentials are never taken from the command
 * line (it is visible in {@code ps}): set {@code S3_ACCESS_KEY} / {@code S3_SECRET_KEY}.
 */
public final class StorageOptions {

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "S3 endpoint (default: $S3_ENDPOINT or " + StorageConfig.DEFAULT_ENDPOINT
                    + ", the stack of `lora stack up`). Keys: $S3_ACCESS_KEY, $S3_SECRET_KEY.")
    String endpoint;

    @Option(
            names = "--bucket",
            paramLabel = "NAME",
            description = "The pipeline's bucket (default: $S3_BUCKET or " + StorageConfig.DEFAULT_BUCKET + ").")
    String bucket;

    public StorageConfig config() {
        return new StorageConfig(
                pick(endpoint, "lora.s3.endpoint", "S3_ENDPOINT", StorageConfig.DEFAULT_ENDPOINT),
                pick(null, "lora.s3.access-key", "S3_ACCESS_KEY", StorageConfig.DEFAULT_CREDENTIAL),
                pick(null, "lora.s3.secret-key", "S3_SECRET_KEY", StorageConfig.DEFAULT_CREDENTIAL),
                pick(bucket, "lora.s3.bucket", "S3_BUCKET", StorageConfig.DEFAULT_BUCKET),
                pick(null, "lora.s3.region", "S3_REGION", StorageConfig.DEFAULT_REGION));
    }

    private static String pick(String option, String property, String env, String fallback) {
        for (String v : new String[] {option, System.getProperty(property), System.getenv(env)}) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return fallback;
    }
}
