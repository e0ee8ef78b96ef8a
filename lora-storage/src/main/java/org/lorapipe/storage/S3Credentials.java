package org.lorapipe.storage;

import io.minio.credentials.AwsConfigProvider;
import io.minio.credentials.Credentials;
import io.minio.credentials.IamAwsProvider;
import io.minio.credentials.Provider;
import io.minio.credentials.StaticProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the S3 credentials come from, and the MinIO client provider that signs requests with them.
 *
 * <p>{@link #resolve} takes the first of, in order:
 *
 * <ol>
 *   <li>our own settings: {@code lora.s3.access-key} and {@code lora.s3.secret-key} (services), given as
 *       {@code accessKey}/{@code secretKey};
 *   <li>{@code S3_ACCESS_KEY} and {@code S3_SECRET_KEY};
 *   <li>the AWS standard sources, in the AWS SDKs' order: {@code AWS_ACCESS_KEY_ID},
 *       {@code AWS_SECRET_ACCESS_KEY} and optional {@code AWS_SESSION_TOKEN}; a web identity token
 *       ({@code AWS_WEB_IDENTITY_TOKEN_FILE} with {@code AWS_ROLE_ARN}, e.g. EKS service accounts); the
 *       profile {@code AWS_PROFILE} (else {@code default}) of the shared credentials file
 *       {@code AWS_SHARED_CREDENTIALS_FILE} (else {@code ~/.aws/credentials}); container credentials
 *       ({@code AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} or {@code _FULL_URI}, e.g. ECS).
 * </ol>
 *
 * There is no default: with none of these, {@link #resolve} fails and says what to set. The EC2
 * instance-metadata service is not probed (that would be a network call at every start without
 * credentials). Half a pair (an access key without its secret) is an error, not a reason to look further.
 * {@link #toString()} names the source, never a key.
 *
 * @param source where the credentials come from, e.g. {@code AWS_ACCESS_KEY_ID} (never a key itself)
 * @param provider what the MinIO client asks for the credentials of each request
 */
public record S3Credentials(String source, Provider provider) {

    /** The message's list of what can be set, for every "no credentials" error. */
    public static final String HOW_TO_SET = "set S3_ACCESS_KEY and S3_SECRET_KEY (services: lora.s3.access-key"
            + " and lora.s3.secret-key), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in"
            + " ~/.aws/credentials (AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE), or AWS_WEB_IDENTITY_TOKEN_FILE"
            + " with AWS_ROLE_ARN";

    /** Fixed keys given by the caller (the embedded stack, tests); both must be non-blank. */
    public static S3Credentials of(String accessKey, String secretKey) {
        if (blank(accessKey) || blank(secretKey)) {
            throw new IllegalArgumentException("S3 access key and secret key must both be non-empty");
        }
        return new S3Credentials("given keys", new StaticProvider(accessKey, secretKey, null));
    }

    /**
     * The first source that has credentials, in the order of the class comment.
     *
     * @param accessKey {@code lora.s3.access-key}, if set
     * @param secretKey {@code lora.s3.secret-key}, if set
     * @param env the environment ({@code System.getenv()} outside tests)
     * @param userHome where {@code .aws/credentials} is looked for
     * @throws IllegalArgumentException naming what to set when no source has credentials, or when a source
     *     is half-configured
     */
    public static S3Credentials resolve(
            Optional<String> accessKey, Optional<String> secretKey, Map<String, String> env, Path userHome) {
        Optional<S3Credentials> found = pair(
                        "lora.s3.access-key", accessKey.orElse(null), "lora.s3.secret-key", secretKey.orElse(null))
                .or(() -> pair("S3_ACCESS_KEY", env.get("S3_ACCESS_KEY"), "S3_SECRET_KEY", env.get("S3_SECRET_KEY")))
                .or(() -> awsEnvironment(env))
                .or(() -> webIdentity(env))
                .or(() -> profile(env, userHome))
                .or(() -> container(env));
        return found.orElseThrow(() -> new IllegalArgumentException("no S3 credentials found: " + HOW_TO_SET));
    }

    /** Names the source only. */
    @Override
    public String toString() {
        return "S3Credentials[from " + source + "]";
    }

    private static Optional<S3Credentials> pair(String accessName, String access, String secretName, String secret) {
        if (blank(access) && blank(secret)) {
            return Optional.empty();
        }
        if (blank(access) || blank(secret)) {
            String missing = blank(access) ? accessName : secretName;
            String present = blank(access) ? secretName : accessName;
            throw new IllegalArgumentException(present + " is set but " + missing + " is not: set both");
        }
        return Optional.of(new S3Credentials(accessName, new StaticProvider(access, secret, null)));
    }

    private static Optional<S3Credentials> awsEnvironment(Map<String, String> env) {
        return pair(
                        "AWS_ACCESS_KEY_ID",
                        env.get("AWS_ACCESS_KEY_ID"),
                        "AWS_SECRET_ACCESS_KEY",
                        env.get("AWS_SECRET_ACCESS_KEY"))
                .map(c -> new S3Credentials(
                        blank(env.get("AWS_SESSION_TOKEN")) ? c.source() : c.source() + " with AWS_SESSION_TOKEN",
                        new StaticProvider(
                                env.get("AWS_ACCESS_KEY_ID"),
                                env.get("AWS_SECRET_ACCESS_KEY"),
                                blank(env.get("AWS_SESSION_TOKEN")) ? null : env.get("AWS_SESSION_TOKEN"))));
    }

    /** MinIO's IAM provider reads the same variables itself and asks AWS STS for the role's keys. */
    private static Optional<S3Credentials> webIdentity(Map<String, String> env) {
        String token = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (blank(token)) {
            return Optional.empty();
        }
        if (blank(env.get("AWS_ROLE_ARN"))) {
            throw new IllegalArgumentException("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not: set both");
        }
        return Optional.of(new S3Credentials(
                "web identity (AWS_WEB_IDENTITY_TOKEN_FILE, role " + env.get("AWS_ROLE_ARN") + ")",
                new IamAwsProvider(null, null)));
    }

    /**
     * The profile's keys, read once. A profile or file named explicitly (AWS_PROFILE,
     * AWS_SHARED_CREDENTIALS_FILE) that does not exist is an error; a missing default file is not.
     */
    private static Optional<S3Credentials> profile(Map<String, String> env, Path userHome) {
        String fileVariable = env.get("AWS_SHARED_CREDENTIALS_FILE");
        String profileVariable = env.get("AWS_PROFILE");
        Path file = blank(fileVariable) ? userHome.resolve(".aws").resolve("credentials") : Path.of(fileVariable);
        String profile = blank(profileVariable) ? "default" : profileVariable;
        boolean named = !blank(fileVariable) || !blank(profileVariable);
        if (!Files.isRegularFile(file)) {
            if (named) {
                throw new IllegalArgumentException("no AWS shared credentials file at " + file + " (for profile '"
                        + profile + "'): create it, or fix AWS_SHARED_CREDENTIALS_FILE / AWS_PROFILE");
            }
            return Optional.empty();
        }
        Credentials c;
        try {
            c = new AwsConfigProvider(file.toString(), profile).fetch();
        } catch (java.security.ProviderException e) {
            if (!named && e.getMessage() != null && e.getMessage().startsWith("Profile ")) {
                return Optional.empty(); // a credentials file without a default profile: look further
            }
            throw new IllegalArgumentException(
                    "cannot use profile '" + profile + "' of " + file + ": " + e.getMessage()
                            + " (it needs aws_access_key_id and aws_secret_access_key)",
                    e);
        }
        return Optional.of(new S3Credentials(
                "profile '" + profile + "' of " + file,
                new StaticProvider(c.accessKey(), c.secretKey(), c.sessionToken())));
    }

    private static Optional<S3Credentials> container(Map<String, String> env) {
        if (blank(env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
                && blank(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))) {
            return Optional.empty();
        }
        return Optional.of(new S3Credentials(
                "container credentials (AWS_CONTAINER_CREDENTIALS_*)", new IamAwsProvider(null, null)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
