package org.lorapipe.service.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Object storage endpoint and credentials ({@code lora.s3.*}, or the environment variables S3_ENDPOINT,
 * S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET). Without keys here the AWS standard sources are used
 * ({@link org.lorapipe.storage.S3Credentials}); there is no default key. Keys are never logged.
 */
@ConfigMapping(prefix = "lora.s3")
public interface StorageSettings {
    /** S3 endpoint URL, e.g. http://127.0.0.1:9000. */
    @WithDefault("${S3_ENDPOINT:http://127.0.0.1:9000}")
    String endpoint();

    /** Access key id; unset: S3_ACCESS_KEY, then AWS_ACCESS_KEY_ID, a profile, a web identity. */
    Optional<String> accessKey();

    /** Secret key, set together with {@link #accessKey()}. */
    Optional<String> secretKey();

    @WithDefault("${S3_BUCKET:lora}")
    String bucket();

    @WithDefault("us-east-1")
    String region();
}
