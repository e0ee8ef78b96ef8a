package org.lorapipe.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.storage.S3Credentials;
import org.lorapipe.storage.StorageConfig;
import picocli.CommandLine.Option;

/**
 * Where the object store is, for commands that read or write models in S3. Endpoint and bucket come from
 * their option, else the system property the services use ({@code lora.s3.*}), else the environment
 * ({@code S3_*}), else the embedded stack's. Credentials are never taken from the command line (it is
 * visible in {@code ps}): {@code lora.s3.access-key}/{@code secret-key} system properties, else
 * {@code S3_ACCESS_KEY}/{@code S3_SECRET_KEY}; else, at the embedded stack's default endpoint, the stack's
 * own keys; elsewhere the AWS standard sources ({@link S3Credentials}). There is no other default.
 */
public final class StorageOptions {

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "S3 endpoint (default: $S3_ENDPOINT or " + StorageConfig.DEFAULT_ENDPOINT
                    + ", the stack of `lora stack up`). Keys: $S3_ACCESS_KEY and $S3_SECRET_KEY, else"
                    + " $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY, $AWS_SESSION_TOKEN, a profile of"
                    + " ~/.aws/credentials ($AWS_PROFILE) or a web identity ($AWS_WEB_IDENTITY_TOKEN_FILE);"
                    + " none needed for the embedded stack at the default endpoint.")
    String endpoint;

    @Option(
            names = "--bucket",
            paramLabel = "NAME",
            description = "The pipeline's bucket (default: $S3_BUCKET or " + StorageConfig.DEFAULT_BUCKET + ").")
    String bucket;

    public StorageConfig config() {
        return config(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** {@link #config()} from a given environment and home directory (tests). */
    StorageConfig config(Map<String, String> env, Path userHome) {
        String chosenEndpoint = pick(endpoint, "lora.s3.endpoint", env.get("S3_ENDPOINT"), null);
        String resolvedEndpoint = chosenEndpoint != null ? chosenEndpoint : StorageConfig.DEFAULT_ENDPOINT;
        return new StorageConfig(
                resolvedEndpoint,
                credentials(chosenEndpoint == null, env, userHome),
                bucket(env),
                pick(null, "lora.s3.region", env.get("S3_REGION"), StorageConfig.DEFAULT_REGION));
    }

    /** The bucket alone (no credentials needed): --bucket, else lora.s3.bucket, else $S3_BUCKET, else lora. */
    public String bucket() {
        return bucket(System.getenv());
    }

    private String bucket(Map<String, String> env) {
        return pick(bucket, "lora.s3.bucket", env.get("S3_BUCKET"), StorageConfig.DEFAULT_BUCKET);
    }

    private static S3Credentials credentials(boolean embeddedStack, Map<String, String> env, Path userHome) {
        Optional<String> access = Optional.ofNullable(System.getProperty("lora.s3.access-key"));
        Optional<String> secret = Optional.ofNullable(System.getProperty("lora.s3.secret-key"));
        boolean ours = access.isPresent()
                || secret.isPresent()
                || env.get("S3_ACCESS_KEY") != null
                || env.get("S3_SECRET_KEY") != null;
        if (embeddedStack && !ours) {
            return S3Credentials.of(EmbeddedStack.ACCESS_KEY, EmbeddedStack.SECRET_KEY);
        }
        try {
            return S3Credentials.resolve(access, secret, env, userHome);
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage());
        }
    }

    private static String pick(String option, String property, String env, String fallback) {
        for (String v : new String[] {option, System.getProperty(property), env}) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return fallback;
    }
}
