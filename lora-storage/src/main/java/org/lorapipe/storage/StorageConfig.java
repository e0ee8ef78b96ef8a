package org.lorapipe.storage;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where the object store is and how to sign requests to it.
 *
 * <p>Services get these from their typed Quarkus config ({@code lora.s3.*}); the CLI and scripts
 * use {@link #fromEnv()}. {@link #toString()} masks both keys so the record can be logged; never
 * log {@link #accessKey()} or {@link #secretKey()} themselves.
 *
 * @param endpoint {@code http(s)://host:port} of MinIO (deployments) or s3proxy (tests)
 * @param accessKey access key id
 * @param secretKey secret key (masked in {@link #toString()})
 * @param bucket the pipeline's bucket; URIs in events are checked against it
 * @param region signing region; MinIO and s3proxy accept any, us-east-1 by default
 */
public record StorageConfig(String endpoint, String accessKey, String secretKey, String bucket, String region) {

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:9000";
    public static final String DEFAULT_CREDENTIAL = "minioadmin";
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
        if (accessKey == null || accessKey.isBlank()) {
            problems.add("access key is empty");
        }
        if (secretKey == null || secretKey.isBlank()) {
            problems.add("secret key is empty");
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

    /** Reads S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET, S3_REGION (all optional). */
    public static StorageConfig fromEnv() {
        return fromEnv(System.getenv());
    }

    /** Like {@link #fromEnv()} from a given map, for tests and for {@code .env} files. */
    public static StorageConfig fromEnv(Map<String, String> env) {
        return new StorageConfig(
                env.getOrDefault("S3_ENDPOINT", DEFAULT_ENDPOINT),
                env.getOrDefault("S3_ACCESS_KEY", DEFAULT_CREDENTIAL),
                env.getOrDefault("S3_SECRET_KEY", DEFAULT_CREDENTIAL),
                env.getOrDefault("S3_BUCKET", DEFAULT_BUCKET),
                env.getOrDefault("S3_REGION", DEFAULT_REGION));
    }

    /** Same store, another bucket. */
    public StorageConfig withBucket(String otherBucket) {
        return new StorageConfig(endpoint, accessKey, secretKey, otherBucket, region);
    }

    /** The bucket root as a location. */
    public S3Uri bucketRoot() {
        return new S3Uri(bucket, "");
    }

    /** Never prints the credentials (neither key: the access key is half of the login). */
    @Override
    public String toString() {
        return "StorageConfig[endpoint=" + endpoint + ", accessKey=***, secretKey=***, bucket=" + bucket + ", region="
                + region + "]";
    }
}
