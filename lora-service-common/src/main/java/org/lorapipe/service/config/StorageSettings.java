package org.lorapipe.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Object storage endpoint and credentials ({@code lora.s3.*}, or the environment variables S3_ENDPOINT,
 * S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET). The secret is never logged.
 */
@ConfigMapping(prefix = "lora.s3")
public interface StorageSettings {
    /** S3 endpoint URL, e.g. http://127.0.0.1:9000. */
    @WithDefault("${S3_ENDPOINT:http://127.0.0.1:9000}")
    String endpoint();

    @WithDefault("${S3_ACCESS_KEY:minioadmin}")
    String accessKey();

    @WithDefault("${S3_SECRET_KEY:minioadmin}")
    String secretKey();

    @WithDefault("${S3_BUCKET:lora}")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
