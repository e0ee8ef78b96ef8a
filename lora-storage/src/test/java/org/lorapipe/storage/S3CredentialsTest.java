package org.lorapipe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.credentials.Credentials;
import io.minio.credentials.IamAwsProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order of the credential chain, from maps and temporary files only (no network). */
class S3CredentialsTest {

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();

    @BeforeEach
    void everySourceSet() throws IOException {
        env.put("S3_ACCESS_KEY", "s3-access");
        env.put("S3_SECRET_KEY", "s3-secret");
        env.put("AWS_ACCESS_KEY_ID", "aws-env-access");
        env.put("AWS_SECRET_ACCESS_KEY", "aws-env-secret");
        env.put("AWS_SESSION_TOKEN", "aws-env-token");
        writeCredentialsFile(home.resolve(".aws/credentials"));
    }

    @Test
    void ourOwnSettingsComeFirst() {
        S3Credentials c = resolve(Optional.of("config-access"), Optional.of("config-secret"));

        assertThat(c.source()).isEqualTo("lora.s3.access-key");
        assertThat(keys(c)).isEqualTo("config-access/config-secret/null");
    }

    @Test
    void thenOurVariables() {
        assertThat(keys(resolve())).isEqualTo("s3-access/s3-secret/null");
    }

    @Test
    void thenTheAwsVariablesWithTheirSessionToken() {
        env.remove("S3_ACCESS_KEY");
        env.remove("S3_SECRET_KEY");

        S3Credentials c = resolve();

        assertThat(c.source()).isEqualTo("AWS_ACCESS_KEY_ID with AWS_SESSION_TOKEN");
        assertThat(keys(c)).isEqualTo("aws-env-access/aws-env-secret/aws-env-token");
    }

    @Test
    void thenAWebIdentityBeforeTheProfileFile() {
        onlyFileAndRoles();
        env.put("AWS_WEB_IDENTITY_TOKEN_FILE", home.resolve("token").toString());
        env.put("AWS_ROLE_ARN", "arn:aws:iam::1:role/lora");

        S3Credentials c = resolve();

        assertThat(c.source()).startsWith("web identity");
        assertThat(c.provider()).isInstanceOf(IamAwsProvider.class);
    }

    @Test
    void thenTheDefaultProfileOfTheSharedFile() {
        onlyFileAndRoles();

        S3Credentials c = resolve();

        assertThat(c.source()).startsWith("profile 'default' of ");
        assertThat(keys(c)).isEqualTo("file-default-access/file-default-secret/null");
    }

    @Test
    void awsProfileAndAnotherFileAreHonoured() throws IOException {
        onlyFileAndRoles();
        Path other = home.resolve("elsewhere/creds");
        writeCredentialsFile(other);
        env.put("AWS_SHARED_CREDENTIALS_FILE", other.toString());
        env.put("AWS_PROFILE", "training");

        S3Credentials c = resolve();

        assertThat(c.source()).isEqualTo("profile 'training' of " + other);
        assertThat(keys(c)).isEqualTo("file-training-access/file-training-secret/file-training-token");
    }

    @Test
    void thenContainerCredentials() throws IOException {
        onlyFileAndRoles();
        Files.delete(home.resolve(".aws/credentials"));
        env.put("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x");

        assertThat(resolve().source()).startsWith("container credentials");
    }

    @Test
    void nothingFoundSaysWhatToSet() throws IOException {
        onlyFileAndRoles();
        Files.delete(home.resolve(".aws/credentials"));

        assertThatThrownBy(this::resolve)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no S3 credentials found")
                .hasMessageContaining("S3_ACCESS_KEY and S3_SECRET_KEY")
                .hasMessageContaining("lora.s3.access-key")
                .hasMessageContaining("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
                .hasMessageContaining("AWS_PROFILE");
    }

    @Test
    void halfAPairIsAnErrorNotAFallThrough() {
        env.remove("S3_SECRET_KEY");

        assertThatThrownBy(this::resolve).hasMessage("S3_ACCESS_KEY is set but S3_SECRET_KEY is not: set both");
    }

    @Test
    void aNamedProfileThatIsMissingIsAnError() {
        onlyFileAndRoles();
        env.put("AWS_PROFILE", "nope");

        assertThatThrownBy(this::resolve)
                .hasMessageContaining("cannot use profile 'nope'")
                .hasMessageContaining(home.resolve(".aws/credentials").toString());
    }

    @Test
    void theSourceIsPrintedNeverAKey() {
        S3Credentials c = resolve(Optional.of("config-access"), Optional.of("config-secret"));
        StorageConfig config = new StorageConfig("http://h:1", c, "lora", "us-east-1");

        assertThat(c.toString() + config).contains("lora.s3.access-key").doesNotContain("config-");
    }

    private void onlyFileAndRoles() {
        env.keySet().removeIf(k -> k.startsWith("S3_") || k.startsWith("AWS_"));
    }

    private S3Credentials resolve() {
        return resolve(Optional.empty(), Optional.empty());
    }

    private S3Credentials resolve(Optional<String> access, Optional<String> secret) {
        return S3Credentials.resolve(access, secret, env, home);
    }

    private static String keys(S3Credentials c) {
        Credentials k = c.provider().fetch();
        return k.accessKey() + "/" + k.secretKey() + "/" + k.sessionToken();
    }

    private static void writeCredentialsFile(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(
                file,
                "[default]\naws_access_key_id = file-default-access\naws_secret_access_key = file-default-secret\n\n"
                        + "[training]\naws_access_key_id = file-training-access\n"
                        + "aws_secret_access_key = file-training-secret\naws_session_token = file-training-token\n");
    }
}
