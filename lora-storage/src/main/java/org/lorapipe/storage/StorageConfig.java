package org.lorapipe.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the object store is and how to sign requests to it.
 *
 * <p>Services get these from their typed Quarkus config ({@code lora.s3.*}); scripts use
 * {@link #fromEnv()}. Credentials come from {@link S3Credentials}: given keys, or the first source of
 * its chain (our variables, then the AWS standard ones); there is no default. {@link #toString()} names
 * where the credentials come from and never prints a key, so the record can be logged.
 *
 * @param endpoint {@code http(s)://host:port} of MinIO (deployments) or s3proxy (tests)
 * @param credentials how requests are signed
 * @param bucket the pipeline's bucket; URIs in events are checked against it
 * @param region signing region; MinIO and s3proxy accept any, us-east-1 by default
 */
public record StorageConfig(String endpoint, S3Credentials credentials, String bucket, String region) {

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:9000";
    public static final String DEFAULT_BUCKET = "lora";
    public static final String DEFAULT_REGION = "us-east-1";

    /** Collects every problem at once, so one fix-and-retry cycle is enough. */
    public StorageConfig {
        List<String> problems = new ArrayList<>();
        if (endpoint == null || endpoint.isBlank()) {
            problems.add("endpoint is empty (e.g. " + DEFAULT_ENDPOINT + ")");
        } else {
            try {
                URI uri = URI.create(endpoint);
                if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                    problems.add("endpoint '" + endpoint + "' is not http(s)://host[:port]");
                }
            } catch (IllegalArgumentException e) {
                problems.add("endpoint '" + endpoint + "' is not a URL: " + e.getMessage());
            }
        }
        if (credentials == null) {
            problems.add("no credentials (" + S3Credentials.HOW_TO_SET + ")");
        }
        if (bucket == null || bucket.isBlank()) {
            problems.add("bucket is empty");
        } else {
            try {
                new S3Uri(bucket, "");
            } catch (IllegalArgumentException e) {
                problems.add("bucket '" + bucket + "' is not a valid S3 bucket name");
            }
        }
        if (region == null || region.isBlank()) {
            problems.add("region is empty (use " + DEFAULT_REGION + " for MinIO)");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid storage config: " + String.join("; ", problems));
        }
    }

    /** Fixed keys (the embedded stack, tests): the secret key is never printed. */
    public StorageConfig(String endpoint, String accessKey, String secretKey, String bucket, String region) {
        this(endpoint, fixed(accessKey, secretKey), bucket, region);
    }

    /**
     * Reads S3_ENDPOINT, S3_BUCKET, S3_REGION (optional) and the credentials of {@link S3Credentials#resolve}
     * (required: S3_ACCESS_KEY/S3_SECRET_KEY or the AWS standard sources).
     */
    public static StorageConfig fromEnv() {
        return fromEnv(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Like {@link #fromEnv()} from a given environment and home directory, for tests and .env files. */
    public static StorageConfig fromEnv(Map<String, String> env, Path userHome) {
        return new StorageConfig(
                env.getOrDefault("S3_ENDPOINT", DEFAULT_ENDPOINT),
                S3Credentials.resolve(Optional.empty(), Optional.empty(), env, userHome),
                env.getOrDefault("S3_BUCKET", DEFAULT_BUCKET),
                env.getOrDefault("S3_REGION", DEFAULT_REGION));
    }

    /** Same store, another bucket. */
    public StorageConfig withBucket(String otherBucket) {
        return new StorageConfig(endpoint, credentials, otherBucket, region);
    }

    /** The bucket root as a location. */
    public S3Uri bucketRoot() {
        return new S3Uri(bucket, "");
    }

    /** Never prints the credentials (neither key: the access key is half of the login), only their source. */
    @Override
    public String toString() {
        return "StorageConfig[endpoint=" + endpoint + ", credentials=" + credentials + ", bucket=" + bucket
                + ", region=" + region + "]";
    }

    /** Blank keys become no credentials, reported with the other problems of the config. */
    private static S3Credentials fixed(String accessKey, String secretKey) {
        return accessKey == null || accessKey.isBlank() || secretKey == null || secretKey.isBlank()
                ? null
                : S3Credentials.of(accessKey, secretKey);
    }
}
