package org.lorapipe.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address of an object, or of a prefix ("directory"), in S3: {@code s3://bucket/key}.
 *
 * <p>Events on Kafka carry these as strings ({@code "s3://lora/adapters/run-7/"}); parsing them
 * once, here, means a typo in a message fails with a message naming the bad string instead of
 * turning into a NoSuchKey three services later. A key ending in {@code /} (or the empty key, the
 * bucket root) denotes a prefix.
 *
 * @param bucket S3 bucket name (3-63 chars of a-z, 0-9, '.', '-')
 * @param key object key or prefix, without a leading '/'; empty for the bucket root
 */
public record S3Uri(String bucket, String key) {

    private static final String SCHEME = "s3://";
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public S3Uri {
        List<String> problems = problems(bucket, key);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(
                    "invalid S3 location bucket=" + bucket + " key=" + key + ": " + String.join("; ", problems));
        }
    }

    /**
     * Parses {@code s3://bucket/key}.
     *
     * @throws IllegalArgumentException naming the string and what is wrong with it
     */
    public static S3Uri parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("empty S3 URI: expected s3://<bucket>/<key>, e.g. s3://lora/datasets/x");
        }
        String s = uri.trim();
        if (!s.startsWith(SCHEME)) {
            String hint = s.startsWith("s3:/") || s.startsWith("s3a://") || s.startsWith("http")
                    ? " (write s3://<bucket>/<key>; endpoints go in the storage config, not in the URI)"
                    : " (add the scheme: s3://" + s + ")";
            throw new IllegalArgumentException("not an S3 URI: '" + uri + "'" + hint);
        }
        String rest = s.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String key = slash < 0 ? "" : rest.substring(slash + 1);
        List<String> problems = problems(bucket, key);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid S3 URI '" + uri + "': " + String.join("; ", problems));
        }
        return new S3Uri(bucket, key);
    }

    private static List<String> problems(String bucket, String key) {
        List<String> problems = new ArrayList<>();
        if (bucket == null || bucket.isEmpty()) {
            problems.add("the bucket is missing (s3://<bucket>/<key>)");
        } else if (!BUCKET.matcher(bucket).matches()) {
            problems.add("bucket '" + bucket + "' is not a valid S3 bucket name (3-63 chars: a-z, 0-9, '.', '-')");
        }
        if (key == null) {
            problems.add("the key is null (use \"\" for the bucket root)");
        } else {
            if (key.startsWith("/")) {
                problems.add("the key starts with '/' (write s3://bucket/key, with one slash)");
            }
            if (key.contains("//")) {
                problems.add("the key contains '//' (an empty path segment)");
            }
            for (String segment : key.split("/")) {
                if (segment.equals(".") || segment.equals("..")) {
                    problems.add("the key contains a '" + segment + "' segment (S3 keys are not resolved like paths)");
                    break;
                }
            }
            if (key.length() > 1024) {
                problems.add("the key is longer than 1024 characters");
            }
        }
        return problems;
    }

    /** A child of this prefix: {@code s3://b/a/ + "x/y" = s3://b/a/x/y} (a '/' is added if missing). */
    public S3Uri resolve(String child) {
        if (child == null || child.isEmpty()) {
            throw new IllegalArgumentException("cannot resolve an empty child against " + this);
        }
        String c = child.startsWith("/") ? child.substring(1) : child;
        return new S3Uri(bucket, asPrefix().key + c);
    }

    /** This location as a prefix, i.e. with a trailing '/' (the bucket root stays ""). */
    public S3Uri asPrefix() {
        return key.isEmpty() || key.endsWith("/") ? this : new S3Uri(bucket, key + "/");
    }

    /** True for the bucket root and keys ending in '/'. */
    public boolean isPrefix() {
        return key.isEmpty() || key.endsWith("/");
    }

    /** The last path segment of the key ("" for the bucket root). */
    public String fileName() {
        String k = key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
        return k.substring(k.lastIndexOf('/') + 1);
    }

    /** The key relative to {@code prefix}, e.g. for mirroring a prefix into a local directory. */
    public String relativeTo(S3Uri prefix) {
        S3Uri p = prefix.asPrefix();
        if (!bucket.equals(p.bucket) || !key.startsWith(p.key)) {
            throw new IllegalArgumentException(this + " is not under " + p);
        }
        return key.substring(p.key.length());
    }

    /**
     * Checks that this location is in the configured bucket: a message naming another bucket is a
     * deployment mix-up that should fail loudly, not create objects elsewhere.
     */
    public S3Uri requireInBucket(String expectedBucket) {
        if (!bucket.equals(expectedBucket)) {
            throw new IllegalArgumentException(
                    this + " is outside the configured bucket '" + expectedBucket + "': use s3://" + expectedBucket
                            + "/..., or set S3_BUCKET=" + bucket + " if that bucket is meant");
        }
        return this;
    }

    @Override
    public String toString() {
        return SCHEME + bucket + "/" + key;
    }
}
